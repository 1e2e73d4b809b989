/**
 * Errors answered below the router — by the HTTP parser, a deadline, or a connection
 * cap — in the shape of the route family the request was for, always with
 * `Connection: close` (the connection cannot carry another request, and a keep-alive
 * client must know not to queue one on it). The OAuth paths (`/oidc/…`) answer in OAuth's
 * own shape, `{"error","error_description"}` (RFC 6749 §5.2).
 */
import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ERROR_KINDS, errors, GatewayError } from "../gateway/errors.js";
import type { JsonObject } from "../gateway/types.js";
import { errorBody, familyOf } from "./errors.js";

/** How long a connection answered with an error still takes (and drops) the client's bytes before it is destroyed. */
const LINGER_MS = 500;

/** The token endpoint and discovery documents, which speak OAuth's error shape. */
export function isOAuthPath(url: string): boolean {
  return url.startsWith("/oidc/");
}

/** RFC 6749 §5.2 error codes for our kinds. */
function oauthCode(err: GatewayError): string {
  if (err.status === 401) return "invalid_client";
  if (err.status >= 500 || err.status === 429) return err.status === 500 ? "server_error" : "temporarily_unavailable";
  return "invalid_request";
}

/** The error body for a request URL: OAuth's shape on `/oidc/…`, else the route family's. */
export function edgeErrorBody(url: string | undefined, err: GatewayError, requestId: string): JsonObject {
  const path = (url ?? "/").split("?", 1)[0] as string;
  if (isOAuthPath(path)) return { error: oauthCode(err), error_description: err.message };
  return errorBody(err, familyOf(path), requestId);
}

/** The request target of the first request line in `raw` (what the parser had read), if there is one. */
export function targetOf(raw: Buffer | undefined): string | undefined {
  if (!raw) return undefined;
  const line = raw.subarray(0, Math.min(raw.length, 8192)).toString("latin1");
  const m = /^[A-Z]+ (\/\S*) /.exec(line);
  return m?.[1];
}

/**
 * Writes a whole HTTP/1.1 error answer straight to the socket and closes it: half-close
 * first, then destroy after a short linger, so the answer is not lost to a TCP reset
 * while the client is still sending (RFC 9112 §9.6; nginx's lingering close).
 */
export function answerOnSocket(socket: Socket, err: GatewayError, url: string | undefined, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const text = JSON.stringify(edgeErrorBody(url, err, randomUUID()));
  let head = `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? "Error"}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  socket.end(`${head}connection: close\r\n\r\n${text}`);
  socket.resume();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

/** The error for a Node HTTP parser error code (`HPE_*`, request timeout). */
export function parserError(code: string | undefined, requestTimeoutMs: number): GatewayError {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return new GatewayError(ERROR_KINDS.HEADERS_TOO_LARGE, "The request headers are larger than the limit of 16 KiB.");
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return new GatewayError(ERROR_KINDS.REQUEST_TIMEOUT, `The request was not received within the limit of ${requestTimeoutMs} ms (--request-timeout-ms).`);
    case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
      return new GatewayError(ERROR_KINDS.MALFORMED_REQUEST, "A chunk extension of the request body is too large.");
    default:
      return new GatewayError(ERROR_KINDS.MALFORMED_REQUEST, "The request is not valid HTTP/1.1.");
  }
}

/**
 * Fastify's `frameworkErrors`: a path that is not valid percent-encoding is a 400, and a
 * path parameter longer than the router keeps (`MAX_PARAM_LENGTH`) names nothing that can
 * exist, so it is the route family's 404 — both in our shape, never Fastify's.
 */
export function frameworkError(err: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split("?", 1)[0] as string;
  const error =
    err.code === "FST_ERR_MAX_PARAM_LENGTH"
      ? errors.notFound(`No resource at ${request.method} ${path.slice(0, 200)}${path.length > 200 ? "…" : ""}: a name in the path is longer than any that can exist.`)
      : err.code === "FST_ERR_BAD_URL"
        ? errors.malformed("The request path is not valid percent-encoding.")
        : errors.badRequest("Bad request.");
  void reply.code(error.status).send(edgeErrorBody(request.url, error, request.id));
}
