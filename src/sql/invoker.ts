/**
 * How the SQL engine reaches an endpoint: in the gateway, straight into its pipeline under
 * the statement's caller (`GatewayInvoker`); in the CLI, over HTTP with the user's token.
 * Either way one call is one request with the pipeline's permissions, limits, guardrails,
 * fallbacks and usage record.
 */
import type { Principal } from "../auth/principal.js";
import { errors } from "../gateway/errors.js";
import type { Gateway } from "../gateway/pipeline.js";
import type { AnyResponse, JsonObject, Task } from "../gateway/types.js";
import type { LiveEndpoint } from "../gateway/live-endpoints.js";

export interface Invoker {
  /** The task of an endpoint by name, or undefined when there is none. */
  taskOf(endpoint: string): Task | undefined;
  /** Throws a 403 GatewayError when the caller may not query the endpoint. */
  authorize(endpoint: string): void | Promise<void>;
  /** One call; throws a GatewayError (429 with `retryAfter`, …) when it fails. */
  invoke(endpoint: string, task: Task, body: JsonObject, signal: AbortSignal, requestId: string): Promise<AnyResponse>;
}

export interface QueryAccess {
  requireQuery(caller: Principal, endpoint: LiveEndpoint): void | Promise<void>;
}

/** The in-process invoker: `Gateway.query`, exactly as an HTTP request's route calls it. */
export class GatewayInvoker implements Invoker {
  constructor(
    private readonly gateway: Gateway,
    private readonly access: QueryAccess,
    private readonly caller: Principal,
  ) {}

  taskOf(endpoint: string): Task | undefined {
    return this.gateway.endpoints().find((e) => e.name === endpoint)?.task;
  }

  authorize(endpoint: string): void | Promise<void> {
    return this.access.requireQuery(this.caller, this.gateway.endpoint(endpoint));
  }

  async invoke(endpoint: string, task: Task, body: JsonObject, signal: AbortSignal, requestId: string): Promise<AnyResponse> {
    const r = await this.gateway.query({ endpoint, body, task, caller: this.caller, ctx: { signal, requestId } });
    if (r.kind !== "response") throw errors.internal(`Endpoint '${endpoint}' streamed an answer to a non-streaming call.`);
    return r.response;
  }
}
