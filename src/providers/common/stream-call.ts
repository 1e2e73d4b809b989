/**
 * One streamed upstream call on undici's `dispatch`: resolves, once a 2xx answer's headers
 * are in, with its body as a plain Readable fed by the handler (for the SSE readers). An
 * error reply is read here (its first 64 KiB) and rejected as the upstream's error, so
 * opening a stream resolves only once the upstream has accepted the request.
 *
 * Why not `undici.request`: see json-call.ts — the same ~25–40 µs per call, here paid once
 * per stream. The body keeps what `request`'s body gives its readers: back-pressure (a full
 * buffer pauses the upstream socket, a read resumes it), `destroy()` lets the upstream
 * response go, a transport failure or an idle timeout destroys it with undici's error, the
 * caller's abort with the abort's reason, and the total deadline (`armTotalDeadline`) with
 * a 504.
 */
import { Readable } from "node:stream";
import type { Dispatcher } from "undici";
import { agentFor, MAX_ERROR_BODY, replyError, transportError, type PostOptions } from "./http.js";
import { targetOf } from "./json-call.js";
import { watchAbort } from "./abort.js";
import { armTotalDeadline, headersDeadline, upstreamDefaults, type UpstreamLimits } from "./limits.js";

/** A 2xx streamed answer: status, headers, and the body as it arrives. */
export interface UpstreamStream {
  statusCode: number;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Readable;
  /** The limits it was requested with (for its readers: idle, event size). */
  limits?: UpstreamLimits;
}

export function postStream(opts: PostOptions): Promise<UpstreamStream> {
  const limits = opts.limits ?? upstreamDefaults();
  const { signal, provider } = opts;
  if (signal.aborted) return Promise.reject(signal.reason);
  const { origin, path } = targetOf(opts.url);
  const dispatcher: Dispatcher = opts.dispatcher ?? agentFor(limits.connectMs);
  const startedAt = Date.now();
  return new Promise<UpstreamStream>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let status = 0;
    let headers: Record<string, string | string[] | undefined> = {};
    let body: Readable | undefined;
    /** An error reply's first bytes. */
    const errorParts: Buffer[] = [];
    let errorSize = 0;
    /** Before the body exists: the promise is settled (resolved with the body, or rejected). */
    let settled = false;
    let ended = false;

    const onAbort = (): void => {
      const reason: unknown = signal.reason;
      if (body) body.destroy(reason instanceof Error ? reason : new Error(String(reason)));
      else fail(reason);
    };
    const unwatch = watchAbort(signal, opts.onAbort, onAbort);
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      unwatch();
      if (controller && !controller.aborted) controller.abort(err instanceof Error ? err : new Error(String(err)));
      reject(signal.aborted ? signal.reason : transportError(err, provider, signal));
    };
    const errorReply = () => replyError(provider, status, headers, Buffer.concat(errorParts).toString("utf8"), opts.secrets, opts.errors);

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (settled && !body) c.abort(new Error("cancelled"));
      },
      onResponseStart(c, statusCode, h) {
        status = statusCode;
        headers = h;
        if (statusCode >= 400 || settled) return;
        const b = new Readable({
          read() {
            if (c.paused) c.resume();
          },
        });
        body = b;
        settled = true;
        // A body destroyed with an error before its reader listens (an abort in between) must
        // not crash the process; a reader sees the error on `errored` or its own listener.
        b.on("error", () => {});
        b.once("close", () => {
          unwatch();
          // Let go before its end (a reader stopped, a deadline, the caller's abort): cut the upstream response.
          if (!ended && !c.aborted) c.abort(b.errored ?? new Error("The stream's reader let it go."));
        });
        armTotalDeadline(b, limits.totalMs - (Date.now() - startedAt), limits.totalMs, provider);
        resolve({ statusCode, headers: h, body: b, limits });
      },
      onResponseData(c, chunk) {
        if (body) {
          if (!body.destroyed && !body.push(chunk)) c.pause();
          return;
        }
        if (settled) return;
        errorParts.push(chunk);
        errorSize += chunk.length;
        if (errorSize > MAX_ERROR_BODY) fail(errorReply()); // a GatewayError: fail() passes it on as it is
      },
      onResponseEnd() {
        if (body) {
          ended = true;
          if (!body.destroyed) body.push(null);
          return;
        }
        if (settled) return;
        settled = true;
        unwatch();
        reject(errorReply());
      },
      onResponseError(_c, err) {
        if (body) {
          ended = true;
          if (!body.destroyed) body.destroy(signal.aborted && signal.reason instanceof Error ? signal.reason : err);
          return;
        }
        fail(err);
      },
    };
    try {
      dispatcher.dispatch(
        { origin, path, method: "POST", headers: opts.headers, body: opts.body, headersTimeout: headersDeadline(limits), bodyTimeout: limits.idleMs },
        handler,
      );
    } catch (err) {
      fail(err);
    }
  });
}
