/**
 * The AI gateway's steps around a provider call, as small interfaces the pipeline calls in
 * order: permission → rate limit → input guardrails → router (traffic split, fallback,
 * retry) → output guardrails → usage / inference record. Each has its own folder
 * (`permissions/`, `limits/`, `guardrails/`, `gateway/router.ts`, `usage/`); the runtime
 * wires the implementations in. The no-op versions here are what a bare pipeline uses.
 */
import type { AiGatewayConfig } from "../config/ai-gateway.js";
import type { Principal } from "../auth/principal.js";
import type { CallContext } from "../providers/provider.js";
import type { LiveEndpoint, LiveEntity } from "./live-endpoints.js";
import type { AnyChunk, AnyResponse, JsonObject, Task, Usage } from "./types.js";

/** May this caller query this endpoint? Throws a 403 GatewayError when not. */
export interface QueryAuthorizer {
  requireQuery(caller: Principal, endpoint: LiveEndpoint): void | Promise<void>;
}

export interface LimitRequest {
  endpoint: LiveEndpoint;
  caller: Principal;
  /** The rate limits of the endpoint's ai_gateway (empty: nothing to do). */
  limits: NonNullable<AiGatewayConfig["rate_limits"]>;
  /** An up-front estimate of the tokens this request will use. */
  estimatedTokens: number;
}

/** An admitted request; `settle` tells the limiter the real token use once known. */
export interface Admission {
  settle(actualTokens: number): void;
}

/** Throws a 429 GatewayError (with Retry-After) when a limit is exhausted. */
export interface RateLimiter {
  admit(req: LimitRequest): Promise<Admission>;
}

export interface GuardrailContext {
  endpoint: LiveEndpoint;
  caller: Principal;
  task: Task;
  config: NonNullable<AiGatewayConfig["guardrails"]>;
  ctx: CallContext;
}

/**
 * Input guardrails may block (a 400 GatewayError) or return a changed body (PII masked);
 * output guardrails likewise for a response, and for a stream return the chunks to send.
 */
export interface Guardrails {
  input(g: GuardrailContext, body: JsonObject): Promise<JsonObject>;
  output(g: GuardrailContext, response: AnyResponse): Promise<AnyResponse>;
  outputStream(g: GuardrailContext, chunks: AsyncIterable<AnyChunk>): AsyncIterable<AnyChunk>;
}

/** One finished request, for usage tracking, inference tables and metrics. */
export interface RequestRecord {
  requestId: string;
  clientRequestId: string | undefined;
  endpoint: LiveEndpoint;
  /** The entity that answered (after fallbacks), if any did. */
  entity: LiveEntity | undefined;
  caller: Principal;
  task: Task;
  startedAt: number;
  latencyMs: number;
  /** HTTP status the client got (499 when the client went away first). */
  status: number;
  /** The error's stable code when it failed. */
  errorCode: string | undefined;
  streamed: boolean;
  /** Usage the model reported (a stream's last usage chunk), if any. */
  usage: Usage | undefined;
  /** The request body as the provider got it (after input guardrails). */
  request: JsonObject;
  /** The response, a stream aggregated into one response; undefined on error. */
  response: AnyResponse | undefined;
  /** Whether rate-limit rejection caused the failure. */
  rateLimited: boolean;
}

export interface Recorder {
  /** Called once per request, off the hot path: must not block or throw. */
  record(rec: RequestRecord): void;
}

/** Calls a served entity; the router decides which one and whether to try another. */
export type EntityCall<T> = (entity: LiveEntity) => Promise<T>;

export interface Router {
  /**
   * Runs `call` on the entity the traffic split picks; with fallbacks on, on the others in
   * list order after a 429, 5xx or connection failure. Resolves with the result and the
   * entity that produced it; rejects with the last error.
   */
  route<T>(endpoint: LiveEndpoint, fallback: boolean, call: EntityCall<T>, ctx: CallContext): Promise<{ entity: LiveEntity; value: T }>;
}

export const allowAll: QueryAuthorizer = { requireQuery() {} };

export const noLimits: RateLimiter = {
  async admit() {
    return { settle() {} };
  },
};

export const noGuardrails: Guardrails = {
  async input(_g, body) {
    return body;
  },
  async output(_g, response) {
    return response;
  },
  outputStream(_g, chunks) {
    return chunks;
  },
};

export const noRecorder: Recorder = { record() {} };
