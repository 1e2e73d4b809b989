/**
 * The provider contract: the one small interface between the gateway and an upstream.
 *
 * A provider *definition* describes one `external_model.provider` value: which config
 * block it reads (`openai_config`, …), which fields of it are credentials, how to check
 * the rest, and how to build a `ModelProvider` for one served entity once credentials are
 * resolved. A `ModelProvider` does the calls. Definitions register themselves in
 * `registry.ts`; the gateway never switches on a provider's name.
 */
import type {
  ChatChunk,
  ChatCompletion,
  ChatRequest,
  Completion,
  CompletionRequest,
  EmbeddingsRequest,
  EmbeddingsResponse,
  JsonObject,
  Task,
  Usage,
} from "../gateway/types.js";
import type { UpstreamLimits } from "./common/limits.js";
import type { Dispatcher } from "undici";
import type { ProviderForm } from "./form.js";

/** What every upstream call gets from the gateway. */
export interface CallContext {
  /** Aborted when the client goes away or the gateway gives up; cancels the upstream request. */
  signal: AbortSignal;
  requestId: string;
  /** The served entity's upstream deadlines and bounds, when its config sets any (else the process-wide defaults apply). */
  upstream?: UpstreamLimits;
  /**
   * Optional, beside `signal`: calls `fn` at the moment `signal` aborts, and returns the way
   * to stop listening. Why: on Node 20 a listener on a fresh AbortSignal costs ~5 µs of CPU
   * (adding and removing it; measured), which every upstream call of every request would
   * pay to hear of an abort that almost never comes. The edge that owns the signal offers
   * this (server/client-abort.ts); a reader that only needs to hear of the abort uses it
   * when given and a listener on `signal` otherwise (`watchAbort`, common/abort.ts). A
   * context made from another passes it on with the signal.
   */
  onAbort?: (fn: () => void) => () => void;
}

/**
 * The stream pass-through contract, optional on a `ChunkStream`.
 *
 * Why: a same-format upstream (OpenAI-shaped) sends each chunk as one line of JSON that the
 * edge would otherwise parse into a chunk and serialise again — per chunk, the costliest
 * step of a stream after the parse itself. A reader that parsed the chunk offers the text
 * it parsed it from, and the edge sends that text as it is.
 *
 * The invariant, stated once here: `wireText(chunk)` returns the exact JSON text `chunk`
 * was parsed from, on one line, and only for the chunk the stream handed out last (else
 * undefined, and the edge serialises the chunk). So a chunk that was changed after it was
 * parsed must never be answered with its text: a step that wraps a stream and may change
 * its chunks (a guardrail, a format conversion) does not pass `wireText` on; a step that
 * only watches them (gateway/stream-observer.ts) passes it through unchanged.
 */
export interface WireTextSource {
  wireText(chunk: unknown): string | undefined;
}

/**
 * A started stream. `chunks` yields typed chunks; it throws a `GatewayError` when the
 * upstream reports an error mid-stream or the stream ends before it is complete.
 * Opening a stream resolves only once the upstream has accepted the request, so an error
 * before the first byte is an ordinary error response. It may offer its chunks' wire text
 * (`WireTextSource`, above).
 */
export type ChunkStream<T> = AsyncIterable<T> & Partial<WireTextSource>;

/**
 * A request in an upstream's own wire format, forwarded as it came (the model swapped,
 * the entity's credentials added), when the client spoke that format. `format` is the
 * ingress format's name (e.g. "anthropic-messages"); the gateway matches it against what
 * a provider declares and never reads it otherwise.
 */
export interface NativeRequest {
  format: string;
  body: JsonObject;
  /** The format's own request headers the client sent (version, betas), lower-case names. */
  headers: Readonly<Record<string, string>>;
  stream: boolean;
}

/** One event of a native stream, its data as the upstream sent it. */
export interface NativeEvent {
  event: string | undefined;
  data: string;
}

/** A native stream: its events, then (once it has ended) the usage they reported. */
export interface NativeEventStream extends AsyncIterable<NativeEvent> {
  usage(): Usage | undefined;
}

export type NativeAnswer = { kind: "response"; body: JsonObject; usage: Usage | undefined } | { kind: "stream"; events: NativeEventStream };

/** What a provider offers for same-format pass-through. */
export interface NativeApi {
  /** The ingress formats it takes as they are. */
  readonly formats: readonly string[];
  call(req: NativeRequest, ctx: CallContext): Promise<NativeAnswer>;
}

export interface ModelProvider {
  /** Same-format pass-through (optional): a client speaking one of `formats` is forwarded byte for byte. */
  native?: NativeApi;
  chat?(req: ChatRequest, ctx: CallContext): Promise<ChatCompletion>;
  chatStream?(req: ChatRequest, ctx: CallContext): Promise<ChunkStream<ChatChunk>>;
  complete?(req: CompletionRequest, ctx: CallContext): Promise<Completion>;
  completeStream?(req: CompletionRequest, ctx: CallContext): Promise<ChunkStream<Completion>>;
  embed?(req: EmbeddingsRequest, ctx: CallContext): Promise<EmbeddingsResponse>;
  /** Releases pooled connections. */
  close?(): Promise<void>;
}

/** One problem with a provider config, naming the field (a dotted path inside the config block). */
export interface ConfigIssue {
  field: string;
  message: string;
}

/** Everything a definition needs to build a provider for one served entity. */
export interface ProviderInit<C> {
  /** `external_model.name`: the upstream's model (or endpoint) name. */
  model: string;
  task: Task;
  /** The config block, credentials removed. */
  config: C;
  /** Resolved credential values by field path (e.g. `openai_api_key`, `bearer_token_auth.token`). */
  credentials: ReadonlyMap<string, string>;
  /**
   * The dispatcher every upstream call of this entity goes through (its proxy and TLS
   * settings, common/network.ts); undefined means the shared default agent.
   */
  dispatcher?: Dispatcher;
}

export interface ProviderDefinition<C extends JsonObject = JsonObject> {
  /** The `external_model.provider` value. */
  readonly name: string;
  /** The key of its config block in `external_model`, e.g. `openai_config`. */
  readonly configKey: string;
  readonly tasks: readonly Task[];
  /**
   * Credential fields, as dotted paths inside the config block. Each may be given as a
   * secret reference (`field: "{{secrets/scope/key}}"`) or as `field_plaintext`, never both.
   */
  readonly credentialFields: readonly string[];
  /**
   * The fields (dotted paths in the parsed config) that decide where the credentials are
   * sent: a base URL, a region, a project, a tenant. A stored credential is kept (the
   * `"[REDACTED]"` marker sent back) only while none of these changed; changing one needs
   * the credential given again, so an editor cannot redirect a key they never saw.
   */
  readonly destinationFields: readonly string[];
  /**
   * Whether the hosted-model image limits (at most 100 images, 8000 px, downscaling past
   * 1568 px, data: URLs only; see gateway/images) apply by default to its served entities;
   * `external_model.image_limits` overrides it per entity.
   */
  readonly imageLimits?: boolean;
  /** How a person fills in the config block (the web UI's form; see form.ts). */
  readonly form: ProviderForm;
  /**
   * Checks the config block (credentials already removed; `hasCredential` tells which
   * were given) for the entity's `task`, and returns it typed, or the problems found.
   */
  parseConfig(raw: JsonObject, hasCredential: (field: string) => boolean, task?: Task): { config: C } | { issues: ConfigIssue[] };
  create(init: ProviderInit<C>): ModelProvider;
}
