/**
 * The request pipeline: endpoint lookup → permission → request check → rate limit →
 * input guardrails → router (traffic split, fallback) → provider call → output guardrails →
 * usage / inference record. Each policy step is one small interface (`policies.ts`) with
 * its own implementation folder; the pipeline only orders them. It returns typed values;
 * the server encodes them.
 */
import type { Principal } from "../auth/principal.js";
import type { CallContext, ChunkStream, NativeAnswer, NativeEvent, NativeRequest } from "../providers/provider.js";
import { observeNative } from "./native-observer.js";
import { ERROR_KINDS, errors, GatewayError } from "./errors.js";
import type { LiveEndpoint, LiveEndpoints, LiveEntity } from "./live-endpoints.js";
import {
  allowAll,
  noGuardrails,
  noLimits,
  noRecorder,
  type Admission,
  type GuardrailContext,
  type Guardrails,
  type QueryAuthorizer,
  type RateLimiter,
  type Recorder,
  type RequestRecord,
  type Router,
} from "./policies.js";
import { TrafficRouter } from "./router.js";
import { attributeToEntity } from "./upstream-errors.js";
import { embedAs } from "./embeddings-encoding.js";
import { assertResponseShape, checkedResponse } from "./response-shape.js";
import { observeStream } from "./stream-observer.js";
import type { AnyChunk, AnyResponse, ChatRequest, CompletionRequest, EmbeddingsRequest, JsonObject, Task, Usage } from "./types.js";
import { validateRequest } from "./validate-request.js";
import { promptTokenEstimate } from "./estimate.js";
import { applyImageLimits } from "./images/apply.js";

export interface QueryInput {
  endpoint: string;
  body: unknown;
  /** The task the route implies (OpenAI routes); undefined on `invocations`, which takes the endpoint's. */
  task?: Task;
  caller: Principal;
  ctx: CallContext;
  /** The request as the client sent it in an ingress format, for an entity whose provider takes that format as it is. */
  native?: NativeInput;
}

/**
 * A chat request that came in an ingress format (server/ingress/): `body` is still the
 * canonical form every policy reads. An entity whose provider declares `request.format`
 * gets the native request forwarded instead, unless a guardrail must read or rewrite the
 * content, or image limits apply to a request with images. `untranslatable` is the
 * refusal the ingress's decoder set aside — a feature the canonical form cannot carry —
 * thrown for any entity that cannot take the native request.
 */
export interface NativeInput {
  request: NativeRequest;
  untranslatable?: Error | undefined;
}

export type QueryResult =
  | { kind: "response"; entity: LiveEntity; response: AnyResponse }
  | { kind: "stream"; entity: LiveEntity; chunks: ChunkStream<AnyChunk> }
  | { kind: "native-response"; entity: LiveEntity; body: JsonObject }
  | { kind: "native-stream"; entity: LiveEntity; events: AsyncIterable<NativeEvent> };

export interface GatewayPolicies {
  authorizer: QueryAuthorizer;
  limiter: RateLimiter;
  guardrails: Guardrails;
  router: Router;
  recorder: Recorder;
}

const ROUTE_OF_TASK: Record<Task, string> = {
  "llm/v1/chat": "/chat/completions",
  "llm/v1/completions": "/completions",
  "llm/v1/embeddings": "/embeddings",
};

const NO_ADMISSION: Admission = { settle() {} };

/** How a request ended, for its record. */
type Outcome = Pick<RequestRecord, "entity" | "status" | "errorCode" | "usage" | "request" | "response" | "rateLimited">;

const promptTokens = promptTokenEstimate;

/**
 * What a request is reserved up front against a token limit: its prompt, guessed from its
 * size, plus the most it may generate when it says (`max_tokens`), so that a burst of
 * requests cannot overshoot a token limit by more than the estimate's error.
 */
function upFrontTokens(body: JsonObject): number {
  const max = body["max_tokens"] ?? body["max_completion_tokens"];
  return promptTokens(body) + (typeof max === "number" && max > 0 ? max : 0);
}

/** Tells the limiter what an answered request used: the model's count, else the prompt's estimate (worked out for any rate limit, calls-only ones included). */
function settle(admission: Admission, usage: Usage | undefined, req: JsonObject): void {
  if (admission === NO_ADMISSION) return;
  admission.settle(tokensOf(usage) ?? promptTokens(req));
}

function tokensOf(usage: Usage | undefined): number | undefined {
  if (!usage) return undefined;
  return usage.total_tokens ?? (usage.prompt_tokens ?? 0) + (usage.completion_tokens ?? 0);
}

const CLIENT_CLOSED = { status: ERROR_KINDS.CLIENT_CLOSED.status, code: ERROR_KINDS.CLIENT_CLOSED.code };

/** The status a failure answers with (499: the client went away first). */
function statusOf(err: unknown, ctx: CallContext): { status: number; code: string | undefined } {
  if (err instanceof GatewayError) return { status: err.status, code: err.kind.code };
  if (ctx.signal.aborted) return CLIENT_CLOSED;
  return { status: ERROR_KINDS.INTERNAL.status, code: ERROR_KINDS.INTERNAL.code };
}

export class Gateway {
  private readonly p: GatewayPolicies;

  constructor(
    private readonly live: LiveEndpoints,
    policies: Partial<GatewayPolicies> = {},
  ) {
    this.p = {
      authorizer: policies.authorizer ?? allowAll,
      limiter: policies.limiter ?? noLimits,
      guardrails: policies.guardrails ?? noGuardrails,
      router: policies.router ?? new TrafficRouter(),
      recorder: policies.recorder ?? noRecorder,
    };
  }

  /** The serving endpoint by name, or a 404 in Databricks' words. */
  endpoint(name: string): LiveEndpoint {
    const ep = this.live.get(name);
    if (!ep) throw errors.notFound(`Endpoint with name '${name}' does not exist.`);
    return ep;
  }

  /**
   * The endpoint, once the caller is allowed to query it: for answers the gateway gives
   * without calling a model (an ingress format's token count).
   */
  async queryable(name: string, caller: Principal): Promise<LiveEndpoint> {
    const ep = this.endpoint(name);
    const allowed = this.p.authorizer.requireQuery(caller, ep);
    if (allowed) await allowed;
    return ep;
  }

  /** Names and tasks of the endpoints serving now (for `GET /models`). */
  endpoints(): LiveEndpoint[] {
    return this.live.all();
  }

  async query(input: QueryInput): Promise<QueryResult> {
    const startedAt = Date.now();
    const ep = this.endpoint(input.endpoint);
    // Usually synchronous (a cache hit): awaited only when it returned a promise.
    const allowed = this.p.authorizer.requireQuery(input.caller, ep);
    if (allowed) await allowed;
    if (input.task && input.task !== ep.task) {
      throw errors.badRequest(`Endpoint '${ep.name}' serves ${ep.task}; send this request to ${ROUTE_OF_TASK[ep.task]}.`, "model");
    }
    if (ep.unavailable) throw errors.unavailable(`Endpoint '${ep.name}' is not ready: ${ep.unavailable}`);
    const body = validateRequest(ep.task, input.body);
    const stream = body["stream"] === true;
    if (stream && ep.task === "llm/v1/embeddings") throw errors.invalidParameter("stream", "Embeddings endpoints do not stream.");
    const ai = ep.aiGateway;
    const clientRequestId = typeof body["client_request_id"] === "string" ? body["client_request_id"] : undefined;
    const recorder = this.p.recorder;
    // One object literal per request (no spreads): this runs for every request, for metrics.
    const record = (r: Outcome) =>
      recorder.record({
        requestId: input.ctx.requestId,
        clientRequestId,
        endpoint: ep,
        entity: r.entity,
        caller: input.caller,
        task: ep.task,
        startedAt,
        latencyMs: Date.now() - startedAt,
        status: r.status,
        errorCode: r.errorCode,
        streamed: stream,
        usage: r.usage,
        request: r.request,
        response: r.response,
        rateLimited: r.rateLimited,
      });

    let admission = NO_ADMISSION;
    const limits = ai?.rate_limits;
    if (limits?.length) {
      try {
        admission = await this.p.limiter.admit({ endpoint: ep, caller: input.caller, limits, estimatedTokens: upFrontTokens(body) });
      } catch (err) {
        const s = statusOf(err, input.ctx);
        record({ entity: undefined, status: s.status, errorCode: s.code, usage: undefined, request: body, response: undefined, rateLimited: true });
        throw err;
      }
    }

    const g: GuardrailContext | undefined = ai?.guardrails ? { endpoint: ep, caller: input.caller, task: ep.task, config: ai.guardrails, ctx: input.ctx } : undefined;
    let entity: LiveEntity | undefined;
    // The body the provider got; undefined while input guardrails have not passed it, so a
    // blocked request (which may hold the PII it was blocked for) is never recorded.
    let sent: JsonObject | undefined;
    // Usage of an answer, kept even when an output guardrail then blocks it: the tokens were spent.
    let spent: Usage | undefined;
    try {
      sent = g?.config.input ? await this.p.guardrails.input(g, body) : body;
      const req = sent;
      const native = input.native ? { ...input.native, allowed: !g } : undefined;
      const routed = await this.p.router.route(ep, ai?.fallback_config?.enabled === true, (e) => call(e, ep.task, req, stream, input.ctx, native), input.ctx);
      entity = routed.entity;
      const value = routed.value;
      if (value.kind === "native") {
        const a = value.answer;
        const answered = entity;
        if (a.kind === "response") {
          spent = a.usage;
          settle(admission, spent, req);
          record({ entity, status: 200, errorCode: undefined, usage: spent, request: req, response: undefined, rateLimited: false });
          return { kind: "native-response", entity, body: a.body };
        }
        const events = observeNative(a.events, (end) => {
          settle(admission, end.usage, req);
          const s = end.outcome === "ok" ? { status: 200, code: undefined } : end.outcome === "aborted" ? CLIENT_CLOSED : statusOf(end.error, input.ctx);
          record({ entity: answered, status: s.status, errorCode: s.code, usage: end.usage, request: req, response: undefined, rateLimited: false });
        });
        return { kind: "native-stream", entity, events };
      }
      if (value.kind === "response") {
        spent = value.response.usage;
        const response = g?.config.output ? await this.p.guardrails.output(g, value.response) : value.response;
        settle(admission, spent, req);
        record({ entity, status: 200, errorCode: undefined, usage: spent, request: req, response, rateLimited: false });
        return { kind: "response", entity, response };
      }
      // Output guardrails hold a stream back until it is checked; waiting for its first chunk
      // here turns a blocked stream into an ordinary error response instead of a 200 that fails.
      const guarded = g?.config.output ? await primed(this.p.guardrails.outputStream(g, value.chunks)) : value.chunks;
      const aggregate = ai?.inference_table_config?.enabled === true || ai?.usage_tracking_config?.enabled === true;
      const answered = entity;
      const chunks = observeStream(guarded, aggregate, (end) => {
        settle(admission, end.usage, req);
        const s = end.outcome === "ok" ? { status: 200, code: undefined } : end.outcome === "aborted" ? CLIENT_CLOSED : statusOf(end.error, input.ctx);
        record({ entity: answered, status: s.status, errorCode: s.code, usage: end.usage, request: req, response: end.response, rateLimited: false });
      });
      return { kind: "stream", entity, chunks };
    } catch (err) {
      admission.settle(tokensOf(spent) ?? 0);
      const s = statusOf(err, input.ctx);
      record({ entity, status: s.status, errorCode: s.code, usage: spent, request: sent ?? {}, response: undefined, rateLimited: false });
      throw err;
    }
  }
}

/** The same items, the first one already read (so its failure is thrown here). */
async function primed<T>(items: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const it = items[Symbol.asyncIterator]();
  const first = await it.next();
  let handedFirst = false;
  const view: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => view,
    next() {
      if (handedFirst) return it.next();
      handedFirst = true;
      return Promise.resolve(first);
    },
    async return(value?: unknown) {
      await it.return?.(value);
      return { done: true, value: undefined };
    },
  };
  return view;
}

type Called = { kind: "response"; response: AnyResponse } | { kind: "stream"; chunks: ChunkStream<AnyChunk> } | { kind: "native"; answer: NativeAnswer };

type NativeCall = NativeInput & { allowed: boolean };

/** Whether a chat body carries an image (image limits would have to read it). */
function hasImages(body: JsonObject): boolean {
  const messages = body["messages"];
  if (!Array.isArray(messages)) return false;
  for (const m of messages as Array<{ content?: unknown }>) {
    if (Array.isArray(m.content) && m.content.some((p: { type?: unknown }) => p && p.type === "image_url")) return true;
  }
  return false;
}

/** One provider call on one entity; its upstream errors name the entity (upstream-errors.ts). */
async function call(entity: LiveEntity, task: Task, body: JsonObject, stream: boolean, ctx: CallContext, native?: NativeCall): Promise<Called> {
  try {
    if (native && task === "llm/v1/chat") {
      const api = entity.provider.native;
      const takes = api !== undefined && api.formats.includes(native.request.format) && native.allowed && !(entity.imageLimits && hasImages(body));
      if (takes) {
        const c: CallContext = entity.limits ? { signal: ctx.signal, onAbort: ctx.onAbort, requestId: ctx.requestId, upstream: entity.limits } : ctx;
        return { kind: "native", answer: await api.call(native.request, c) };
      }
      if (native.untranslatable) throw native.untranslatable;
    }
    return await callProvider(entity, task, body, stream, ctx);
  } catch (err) {
    throw attributeToEntity(err, entity);
  }
}

/** A non-streamed answer is checked against the task's shape here, once, whatever the provider. */
async function callProvider(entity: LiveEntity, task: Task, body: JsonObject, stream: boolean, callCtx: CallContext): Promise<Called> {
  const p = entity.provider;
  const ctx: CallContext = entity.limits ? { signal: callCtx.signal, onAbort: callCtx.onAbort, requestId: callCtx.requestId, upstream: entity.limits } : callCtx;
  switch (task) {
    case "llm/v1/chat": {
      const req = entity.imageLimits ? await applyImageLimits(body as ChatRequest) : (body as ChatRequest);
      if (stream && p.chatStream) return { kind: "stream", chunks: await p.chatStream(req, ctx) };
      if (p.chat) return { kind: "response", response: checkedResponse(task, entity.name, await p.chat(req, ctx)) };
      break;
    }
    case "llm/v1/completions": {
      const req = body as CompletionRequest;
      if (stream && p.completeStream) return { kind: "stream", chunks: await p.completeStream(req, ctx) };
      if (p.complete) return { kind: "response", response: checkedResponse(task, entity.name, await p.complete(req, ctx)) };
      break;
    }
    case "llm/v1/embeddings":
      if (p.embed) {
        const embed = p.embed.bind(p);
        const checked = async (req: EmbeddingsRequest) => {
          const res = await embed(req, ctx);
          assertResponseShape(task, entity.name, res);
          return res;
        };
        return { kind: "response", response: await embedAs(body as EmbeddingsRequest, checked) };
      }
      break;
  }
  throw errors.badRequest(`Served entity '${entity.name}' cannot answer ${stream ? "streaming " : ""}${task} requests.`);
}
