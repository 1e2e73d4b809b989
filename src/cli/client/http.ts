/**
 * The HTTP side of the client: one `GatewayClient` per command, holding the base URL and
 * the bearer token. Uses the global `fetch` (undici under Node 20).
 */

import { ApiError, CliError, ConnectionError, networkReason } from "./errors.js";
import { isRecord, stringField } from "./json.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

const USER_AGENT = "tessera-cli";

export class GatewayClient {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  readonly token: string;

  constructor(baseUrl: string, token: string) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  /** Sends a request and returns the parsed JSON answer (`{}` for an empty body); throws on error statuses. */
  async json(method: HttpMethod, path: string, body?: unknown): Promise<unknown> {
    const res = await this.send(method, path, body, "application/json");
    const text = await this.readText(res);
    if (text.trim() === "") return {};
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new CliError(`the gateway answered ${method} ${path} with a body that is not JSON (HTTP ${res.status})`);
    }
  }

  /**
   * Sends a request and returns the response once its status is known to be a success,
   * with the body unread (for streams). Error statuses become `ApiError`.
   */
  async send(method: HttpMethod, path: string, body: unknown, accept: string): Promise<Response> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.token}`,
      Accept: accept,
      "User-Agent": USER_AGENT,
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new ConnectionError(this.baseUrl, networkReason(err));
    }
    if (!res.ok) throw apiError(res.status, res.statusText, await this.readText(res));
    return res;
  }

  private async readText(res: Response): Promise<string> {
    try {
      return await res.text();
    } catch (err) {
      throw new CliError(`the connection to the gateway was lost: ${networkReason(err)}`);
    }
  }
}

/**
 * Builds the error for a failed reply. Databricks shape `{error_code, message}` first,
 * then the OpenAI shape `{error: {message, type, code}}`, then the raw text.
 */
export function apiError(status: number, statusText: string, text: string): ApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    parsed = undefined;
  }
  if (isRecord(parsed)) {
    const message = stringField(parsed, "message");
    const code = stringField(parsed, "error_code");
    if (message || code) return new ApiError(status, code, message ?? "request failed");
    const nested = errorDetail(parsed["error"]);
    if (nested) return new ApiError(status, nested.code, nested.message);
  }
  const snippet = text.trim().slice(0, 200);
  return new ApiError(status, undefined, snippet || statusText || "request failed");
}

/** Reads `{message, error_code | code | type}` or a bare string, as sent in `{"error": …}`. */
export function errorDetail(value: unknown): { message: string; code: string | undefined } | undefined {
  if (typeof value === "string" && value !== "") return { message: value, code: undefined };
  if (!isRecord(value)) return undefined;
  const message = stringField(value, "message");
  const code = stringField(value, "error_code") ?? stringField(value, "code") ?? stringField(value, "type");
  if (!message && !code) return undefined;
  return { message: message ?? "request failed", code };
}
