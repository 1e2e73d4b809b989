/**
 * The shared base for every OpenAI-shaped upstream (OpenAI, Azure OpenAI, custom servers,
 * AI21, another Databricks/Tessera workspace). A concrete provider says only where each
 * operation goes and which headers authenticate it; the body passes through with the
 * gateway-only fields removed and `extra_params` merged in.
 */
import type { Dispatcher } from "undici";
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
} from "../../gateway/types.js";
import type { CallContext, ModelProvider } from "../provider.js";
import type { PostOptions } from "../common/http.js";
import { postStream } from "../common/stream-call.js";
import { postJson } from "../common/json-call.js";
import { refuseClientTools } from "../common/client-tools.js";
import { openaiChunks } from "./sse.js";

export type Operation = "chat" | "completions" | "embeddings";

export interface Target {
  url: string;
  headers: Record<string, string>;
}

export interface OpenAICompatibleOptions {
  /** Shown in error messages: "Received error from <provider> …". */
  provider: string;
  task: Task;
  /** The `model` to put in the body; undefined removes it (the upstream names the model in its URL). */
  bodyModel: string | undefined;
  /** Where an operation goes, with auth headers; may fetch a token (hence async). */
  target(op: Operation, signal: AbortSignal): Target | Promise<Target>;
  /** Whether the upstream understands `stream_options.include_usage`. */
  includeUsage: boolean;
  /** Credential values, scrubbed from any error text. */
  secrets: readonly string[];
  /** The entity's dispatcher (proxy, TLS), else the shared agent. */
  dispatcher?: Dispatcher | undefined;
}

/** Fields the gateway reads and the upstream must not see. */
const GATEWAY_FIELDS = new Set(["extra_params", "client_request_id", "usage_context", "model"]);

/**
 * The upstream body: the request less gateway-only fields, with `extra_params` merged in
 * (an explicit top-level field wins over the same key in `extra_params`). Neither the
 * request nor `extra_params` can choose the upstream model or smuggle gateway-only fields.
 */
export function upstreamBody(req: JsonObject, model: string | undefined, stream: boolean, includeUsage: boolean): JsonObject {
  const body: JsonObject = {};
  const extra = req["extra_params"];
  if (extra && typeof extra === "object" && !Array.isArray(extra)) {
    for (const [key, value] of Object.entries(extra)) if (!GATEWAY_FIELDS.has(key)) body[key] = value;
  }
  for (const key in req) {
    if (!GATEWAY_FIELDS.has(key)) body[key] = req[key];
  }
  // Set last: the endpoint's config decides the upstream model, never the caller.
  if (model !== undefined) body["model"] = model;
  if (stream) {
    body["stream"] = true;
    if (includeUsage) {
      const so = body["stream_options"];
      body["stream_options"] = { ...(so && typeof so === "object" ? (so as JsonObject) : {}), include_usage: true };
    }
  } else if (body["stream"] !== undefined) {
    body["stream"] = false;
  }
  return body;
}

const JSON_HEADERS = { "content-type": "application/json", accept: "application/json" };
const SSE_HEADERS = { "content-type": "application/json", accept: "text/event-stream" };

/** Builds a ModelProvider that speaks the OpenAI wire format, for the operations its task allows. */
export function createOpenAICompatibleProvider(o: OpenAICompatibleOptions): ModelProvider {
  async function post(op: Operation, req: JsonObject, stream: boolean, ctx: CallContext): Promise<PostOptions> {
    // OpenAI-shaped upstreams have no Anthropic computer-use tools: a 400 naming the type.
    if (op === "chat") refuseClientTools(req["tools"], o.provider);
    const t = await o.target(op, ctx.signal);
    return {
      provider: o.provider,
      url: t.url,
      headers: { ...(stream ? SSE_HEADERS : JSON_HEADERS), ...t.headers },
      body: JSON.stringify(upstreamBody(req, o.bodyModel, stream, o.includeUsage)),
      signal: ctx.signal,
      secrets: o.secrets,
      limits: ctx.upstream,
      dispatcher: o.dispatcher,
      onAbort: ctx.onAbort,
    };
  }
  /** A non-streamed answer as the upstream sent it; the gateway checks its shape against the task. */
  async function answer<T>(op: Operation, req: JsonObject, ctx: CallContext): Promise<T> {
    return (await postJson(await post(op, req, false, ctx))) as T;
  }
  async function stream(op: Operation, req: JsonObject, ctx: CallContext) {
    return postStream(await post(op, req, true, ctx));
  }
  const streamOpts = (ctx: CallContext) => ({ provider: o.provider, secrets: o.secrets, signal: ctx.signal });

  switch (o.task) {
    case "llm/v1/chat":
      return {
        async chat(req: ChatRequest, ctx) {
          return answer<ChatCompletion>("chat", req, ctx);
        },
        async chatStream(req: ChatRequest, ctx) {
          return openaiChunks<ChatChunk>(await stream("chat", req, ctx), streamOpts(ctx));
        },
      };
    case "llm/v1/completions":
      return {
        async complete(req: CompletionRequest, ctx) {
          return answer<Completion>("completions", req, ctx);
        },
        async completeStream(req: CompletionRequest, ctx) {
          return openaiChunks<Completion>(await stream("completions", req, ctx), streamOpts(ctx));
        },
      };
    case "llm/v1/embeddings":
      return {
        async embed(req: EmbeddingsRequest, ctx) {
          return answer<EmbeddingsResponse>("embeddings", req, ctx);
        },
      };
  }
}

/** Joins an OpenAI-style base (`…/v1`, with or without a trailing slash) and an operation path. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, "") + "/" + path.replace(/^\/+/, "");
}

export const OPERATION_PATHS: Record<Operation, string> = {
  chat: "chat/completions",
  completions: "completions",
  embeddings: "embeddings",
};
