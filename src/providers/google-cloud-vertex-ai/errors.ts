/**
 * Reading Vertex AI's error replies: `{"error":{"code":429,"message":"…","status":
 * "RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo",
 * "retryDelay":"30s"}]}}`. The streaming endpoint may wrap the same object in a list
 * (`[{"error":…}]`), so both shapes are read. The retry delay lives in the body, not in a
 * `Retry-After` header; it becomes the gateway's `Retry-After` (whole seconds, rounded up).
 */
import type { ErrorReader, UpstreamErrorReply } from "../common/http.js";

export const PROVIDER_NAME = "Vertex AI";

const RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo";

/** The `error` object of a Google error body, either shape. */
export function googleErrorOf(body: unknown): Record<string, unknown> | undefined {
  const top = Array.isArray(body) ? (body[0] as unknown) : body;
  if (!top || typeof top !== "object") return undefined;
  const err = (top as Record<string, unknown>)["error"];
  return err && typeof err === "object" && !Array.isArray(err) ? (err as Record<string, unknown>) : undefined;
}

/** "30s", "1.5s" → whole seconds rounded up ("30", "2"); undefined when unreadable. */
export function retryDelaySeconds(delay: unknown): string | undefined {
  if (typeof delay !== "string") return undefined;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
  if (!m) return undefined;
  return String(Math.ceil(Number(m[1])));
}

function retryInfoDelay(err: Record<string, unknown>): string | undefined {
  const details = err["details"];
  if (!Array.isArray(details)) return undefined;
  for (const d of details as unknown[]) {
    if (d && typeof d === "object" && (d as Record<string, unknown>)["@type"] === RETRY_INFO) {
      const s = retryDelaySeconds((d as Record<string, unknown>)["retryDelay"]);
      if (s) return s;
    }
  }
  return undefined;
}

/** How the shared upstream-error code reads Vertex replies (status is kept as sent). */
export const vertexErrors: ErrorReader = {
  message(reply: UpstreamErrorReply) {
    const m = googleErrorOf(reply.body)?.["message"];
    return typeof m === "string" && m ? m : undefined;
  },
  retryAfter(reply: UpstreamErrorReply) {
    const err = googleErrorOf(reply.body);
    const fromBody = err ? retryInfoDelay(err) : undefined;
    if (fromBody) return fromBody;
    const h = reply.headers["retry-after"];
    return Array.isArray(h) ? h[0] : h;
  },
  code(reply: UpstreamErrorReply) {
    const s = googleErrorOf(reply.body)?.["status"];
    return typeof s === "string" && s ? s : undefined;
  },
};

/** The HTTP status an in-stream error chunk stands for (its `code`), 500 when it has none. */
export function streamErrorStatus(err: Record<string, unknown>): number {
  const code = err["code"];
  return typeof code === "number" && Number.isInteger(code) && code >= 400 && code < 600 ? code : 500;
}
