/**
 * The invoker of `tessera sql`: DuckDB runs in the CLI process, and each AI call is one
 * `POST /serving-endpoints/{name}/invocations` to the gateway with the user's token — so
 * CAN_QUERY, rate limits (a 429 with Retry-After, which the batch waits out), guardrails,
 * fallbacks and usage rows apply exactly as to any other client. Endpoint tasks come from
 * one `GET /api/2.0/serving-endpoints` before the statement runs.
 */
import { ERROR_KINDS, errors, GatewayError, kindForStatus, type ErrorKind } from "../../gateway/errors.js";
import type { AnyResponse, JsonObject, Task } from "../../gateway/types.js";
import type { Invoker } from "../../sql/invoker.js";
import { apiError } from "../client/http.js";
import type { GatewayClient } from "../client/http.js";
import { isRecord, stringField } from "../client/json.js";

const TASKS: readonly Task[] = ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"];

function isTask(v: unknown): v is Task {
  return typeof v === "string" && (TASKS as readonly string[]).includes(v);
}

/** The kind the gateway named (`error_code` and status), else the one its status implies. */
function kindOf(status: number, code: string | undefined): ErrorKind {
  const all: ErrorKind[] = Object.values(ERROR_KINDS);
  return all.find((k) => k.errorCode === code && k.status === status) ?? kindForStatus(status);
}

export class HttpInvoker implements Invoker {
  private readonly tasks = new Map<string, Task>();

  private constructor(private readonly client: GatewayClient) {}

  /** Reads the endpoints the token can see (and their tasks). */
  static async connect(client: GatewayClient): Promise<HttpInvoker> {
    const inv = new HttpInvoker(client);
    const list = await client.json("GET", "/api/2.0/serving-endpoints");
    const endpoints = isRecord(list) && Array.isArray(list["endpoints"]) ? list["endpoints"] : [];
    for (const e of endpoints) {
      const name = isRecord(e) ? stringField(e, "name") : undefined;
      const task = isRecord(e) ? e["task"] : undefined;
      if (name && isTask(task)) inv.tasks.set(name, task);
    }
    return inv;
  }

  taskOf(endpoint: string): Task | undefined {
    return this.tasks.get(endpoint);
  }

  /** Known endpoint, else a 404; CAN_QUERY itself is checked by the gateway on each call. */
  authorize(endpoint: string): void {
    if (!this.tasks.has(endpoint)) throw errors.notFound(`Endpoint with name '${endpoint}' does not exist (or this token may not view it) at ${this.client.baseUrl}.`);
  }

  async invoke(endpoint: string, _task: Task, body: JsonObject, signal: AbortSignal, requestId: string): Promise<AnyResponse> {
    let res: Response;
    try {
      res = await fetch(`${this.client.baseUrl}/serving-endpoints/${encodeURIComponent(endpoint)}/invocations`, {
        method: "POST",
        headers: { authorization: `Bearer ${this.client.token}`, "content-type": "application/json", "user-agent": "tessera-cli-sql", "x-request-id": requestId },
        body: JSON.stringify(body),
        signal,
      });
    } catch (err) {
      if (signal.aborted) throw err;
      throw errors.unavailable(`cannot reach the gateway at ${this.client.baseUrl}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const text = await res.text();
    if (!res.ok) {
      const e = apiError(res.status, res.statusText, text);
      const retryAfter = res.headers.get("retry-after");
      throw new GatewayError(kindOf(res.status, e.errorCode), e.detail, { status: res.status, ...(retryAfter ? { retryAfter } : {}) });
    }
    const parsed: unknown = JSON.parse(text);
    if (!isRecord(parsed) || typeof parsed["object"] !== "string") throw errors.internal(`Endpoint '${endpoint}' answered a body that is not a model response.`);
    return parsed as unknown as AnyResponse;
  }
}
