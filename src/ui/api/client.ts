/**
 * The one way pages talk to the gateway: its public REST API, with the session's token.
 * Errors come back as `ApiError` carrying the status, the Databricks `error_code`, the
 * message, and the field it names (from the `google.rpc.BadRequest` detail), so forms can
 * put the message next to that field. A 401 ends the session.
 */
import { session } from "../auth/session";
import { isObject } from "./json";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The request field the error is about, e.g. `config.served_entities[0].external_model.name`. */
    readonly field: string | undefined,
    /** The whole error body as received. */
    readonly body: unknown,
  ) {
    super(message);
  }
}

export const EXPIRED_MESSAGE = "Your session ended: the token expired or was revoked. Sign in again.";

/** Reads a Databricks or OpenAI error body into an ApiError. */
export function toApiError(status: number, body: unknown, fallback: string): ApiError {
  if (isObject(body)) {
    if (typeof body["message"] === "string") {
      const details = Array.isArray(body["details"]) ? body["details"] : [];
      let field: string | undefined;
      for (const d of details) {
        if (isObject(d) && Array.isArray(d["field_violations"])) {
          const v: unknown = d["field_violations"][0];
          if (isObject(v) && typeof v["field"] === "string") field = v["field"];
        }
      }
      return new ApiError(status, typeof body["error_code"] === "string" ? body["error_code"] : String(status), body["message"], field, body);
    }
    const e = body["error"];
    if (isObject(e) && typeof e["message"] === "string") {
      const code = typeof e["code"] === "string" ? e["code"] : typeof e["type"] === "string" ? e["type"] : String(status);
      return new ApiError(status, code, e["message"], typeof e["param"] === "string" ? e["param"] : undefined, body);
    }
  }
  return new ApiError(status, String(status), fallback, undefined, body);
}

export interface RequestOptions {
  /** Use this token instead of the session's (sign-in checks a token before keeping it). */
  token?: string;
  signal?: AbortSignal;
  /** Do not end the session on a 401 (sign-in reports it instead). */
  keepSessionOn401?: boolean;
}

/** The headers of an authenticated call. */
export function authHeaders(token?: string): Record<string, string> {
  const t = token ?? session.get()?.token;
  return t ? { authorization: `Bearer ${t}` } : {};
}

/** Ends the session when a call was refused for its token. */
export function handleUnauthorized(status: number, opts: RequestOptions = {}): void {
  if (status === 401 && !opts.keepSessionOn401 && session.get()) session.signOut(EXPIRED_MESSAGE);
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Calls the API and returns the parsed JSON body; throws ApiError on any non-2xx. */
export async function api<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { ...authHeaders(opts.token), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, "NETWORK_ERROR", "Cannot reach the gateway. Is it running?", undefined, undefined);
  }
  const parsed = await readBody(res);
  if (!res.ok) {
    handleUnauthorized(res.status, opts);
    throw toApiError(res.status, parsed, `${res.status} ${res.statusText}`);
  }
  return parsed as T;
}

/** `?a=1&b=2` from the defined values of `q` (empty when none). */
export function query(q: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== "") p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : "";
}
