/**
 * What every ingress format shares at the edge: a scope whose errors (auth, JSON parsing,
 * the pipeline's) are rendered in the format's own shape, and the chat handler that runs
 * a decoded canonical request through the pipeline and encodes the answer or the stream
 * back. The pipeline sees an ordinary `llm/v1/chat` request; only `usage_context.ingress`
 * says which API it came in through.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { GatewayError } from "../../gateway/errors.js";
import type { NativeInput } from "../../gateway/pipeline.js";
import type { ChatChunk, ChatCompletion, ChatRequest, JsonObject } from "../../gateway/types.js";
import type { NativeEvent } from "../../providers/provider.js";
import { callerOf } from "../auth.js";
import { toGatewayError } from "../errors.js";
import { writeSse, type SseFraming } from "../sse.js";
import { clientAbort } from "../client-abort.js";
import type { QueryDeps } from "../routes/query.js";

/** Renders an error in an ingress format's shape, with the status that format uses. */
export type ErrorRenderer = (err: GatewayError, requestId: string) => { status: number; body: JsonObject };

/**
 * Registers routes in a scope of their own, whose error handler speaks the format's
 * shape. Errors of the app-wide hooks (auth) on these routes come here too: Fastify picks
 * the error handler of the route's scope.
 */
export function ingressScope(app: FastifyInstance, bodyLimit: number, render: ErrorRenderer, routes: (scope: FastifyInstance) => void): void {
  void app.register(async (scope) => {
    scope.setErrorHandler((err, request, reply) => {
      const { error, internal } = toGatewayError(err, bodyLimit);
      if (internal) request.log.error({ err, url: request.url.split("?", 1)[0] }, "unhandled error");
      if (error.retryAfter) void reply.header("retry-after", error.retryAfter);
      if (!request.raw.complete) void reply.header("connection", "close");
      const r = render(error, request.id);
      void reply.code(r.status).header("request-id", request.id).send(r.body);
    });
    routes(scope);
  });
}

export interface ChatIngressCall {
  endpoint: string;
  body: ChatRequest;
  /** The canonical answer in the format's shape. */
  encode(res: ChatCompletion): JsonObject;
  /** The canonical stream as the format's events (each framed by `framing`). */
  events(chunks: AsyncIterable<ChatChunk>): AsyncIterable<JsonObject>;
  framing: SseFraming;
  render: ErrorRenderer;
  /** The request as sent, for an entity that takes the ingress format as it is (pass-through). */
  native?: NativeInput;
}

/** A pass-through stream's events, framed as the upstream sent them. */
const nativeFraming = (errorFrame: SseFraming["error"]): SseFraming => ({
  frame(chunk) {
    const e = chunk as NativeEvent;
    return e.event ? `event: ${e.event}\ndata: ${e.data}\n\n` : `data: ${e.data}\n\n`;
  },
  error: errorFrame,
  end: "",
});

/** Runs a decoded chat request and answers in the ingress's format. */
export async function handleChatIngress(deps: QueryDeps, request: FastifyRequest, reply: FastifyReply, call: ChatIngressCall): Promise<void> {
  const ac = clientAbort(reply.raw);
  const raw = reply.raw;
  let result;
  try {
    result = await deps.gateway.query({
      endpoint: call.endpoint,
      body: call.body,
      task: "llm/v1/chat",
      caller: callerOf(request),
      ctx: { signal: ac.signal, onAbort: ac.onAbort, requestId: request.id },
      ...(call.native ? { native: call.native } : {}),
    });
  } catch (err) {
    if (ac.signal.aborted) {
      reply.hijack();
      raw.destroy();
      return;
    }
    throw err;
  }
  void reply.header("served-model-name", result.entity.name).header("request-id", request.id);
  // The task was checked by the pipeline: a chat route gets a chat answer.
  if (result.kind === "response") return reply.send(call.encode(result.response as ChatCompletion));
  if (result.kind === "native-response") return reply.header("x-tessera-pass-through", "true").send(result.body);
  reply.hijack();
  const passThrough = result.kind === "native-stream";
  const outcome = await writeSse({
    res: raw,
    headers: { "served-model-name": result.entity.name, "x-request-id": request.id, "request-id": request.id, ...(passThrough ? { "x-tessera-pass-through": "true" } : {}) },
    chunks: result.kind === "native-stream" ? result.events : call.events(result.chunks as AsyncIterable<ChatChunk>),
    signal: ac.signal,
    framing: passThrough ? nativeFraming(call.framing.error) : call.framing,
    renderError: (err) => {
      const { error } = toGatewayError(err, deps.bodyLimit);
      return { body: call.render(error, request.id).body, error };
    },
  });
  if (!outcome.ok && !ac.signal.aborted) {
    const { error, internal } = toGatewayError(outcome.error, deps.bodyLimit);
    request.log[internal ? "error" : "warn"]({ err: internal ? outcome.error : undefined, code: error.kind.code, endpoint: call.endpoint }, "stream ended with an error");
  }
}
