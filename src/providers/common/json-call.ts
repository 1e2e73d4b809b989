/**
 * One non-streamed upstream call whose answer is JSON, on undici's `dispatch` with a
 * handler of its own: the answer's bytes are collected as they arrive and parsed once.
 *
 * Why not `undici.request` (what `postUpstream` uses, and streams still do): `request`
 * wraps every answer in a Readable body, a signal listener and a handler of its own, which
 * costs ~40 µs of CPU per call on the machines the bench runs on — as much as the whole
 * floor proxy spends on a request. A non-streamed answer is read whole anyway, so nothing
 * needs a stream. Every behaviour of `postUpstream` + `readJsonValue` holds here:
 * - deadlines: connect (the dispatcher's), first byte (`headersTimeout`, cut to the
 *   total), idle (`bodyTimeout`), total (one timer from the start, a 504);
 * - bounds: an answer over `maxResponseBytes` is refused on its `content-length` or cut as
 *   soon as it passes the bound (502 `UPSTREAM_TOO_LARGE`), an error reply is read up to
 *   64 KiB;
 * - the caller's signal cancels the upstream request, and its abort is rethrown as it is;
 * - a non-2xx reply becomes the upstream's error (`upstreamError`, credentials scrubbed),
 *   a transport failure `transportError`'s 503/504, a 2xx body that is not JSON a 502.
 */
import type { Dispatcher } from "undici";
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import { agentFor, MAX_ERROR_BODY, replyError, transportError, type PostOptions } from "./http.js";
import { watchAbort } from "./abort.js";
import { headersDeadline, tooLarge, upstreamDefaults } from "./limits.js";

/** Origin and path of a URL, kept per URL (an entity calls the same few URLs again and again). */
const targets = new Map<string, { origin: string; path: string }>();
const MAX_TARGETS = 4096;

export function targetOf(url: string): { origin: string; path: string } {
  let t = targets.get(url);
  if (t === undefined) {
    const u = new URL(url);
    t = { origin: u.origin, path: u.pathname + u.search };
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(url, t);
  }
  return t;
}

/** POSTs `opts.body` and resolves with the parsed JSON of a 2xx answer (not checked: the gateway checks its shape). */
export function postJson(opts: PostOptions): Promise<unknown> {
  const limits = opts.limits ?? upstreamDefaults();
  const { signal, provider } = opts;
  if (signal.aborted) return Promise.reject(signal.reason);
  const { origin, path } = targetOf(opts.url);
  const dispatcher: Dispatcher = opts.dispatcher ?? agentFor(limits.connectMs);
  return new Promise<unknown>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let status = 0;
    let headers: Record<string, string | string[] | undefined> = {};
    const parts: Buffer[] = [];
    let size = 0;
    let max = limits.maxResponseBytes;
    let done = false;
    /** Set when we cut the call ourselves (deadline, bound, abort): what the caller gets. */
    let cut: unknown;

    const finish = (): void => {
      done = true;
      clearTimeout(timer);
      unwatch();
    };
    const stop = (reason: unknown): void => {
      if (done) return;
      cut = reason;
      if (controller && !controller.aborted) controller.abort(reason instanceof Error ? reason : new Error(String(reason)));
      else fail(reason);
    };
    const fail = (err: unknown): void => {
      if (done) return;
      finish();
      reject(cut ?? (signal.aborted ? signal.reason : transportError(err, provider, signal)));
    };
    const onAbort = (): void => stop(signal.reason);
    /** The upstream's error reply, from at most the first 64 KiB of its body. */
    const errorReply = (): GatewayError => replyError(provider, status, headers, Buffer.concat(parts).toString("utf8"), opts.secrets, opts.errors);
    const unwatch = watchAbort(signal, opts.onAbort, onAbort);
    const timer = setTimeout(() => stop(new GatewayError(ERROR_KINDS.UPSTREAM_TIMEOUT, `${provider} did not finish within ${limits.totalMs} ms.`)), limits.totalMs);
    timer.unref();

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (done) c.abort(new Error("cancelled"));
      },
      onResponseStart(c, statusCode, h) {
        status = statusCode;
        headers = h;
        if (statusCode >= 400) {
          max = MAX_ERROR_BODY;
          return;
        }
        const declared = Number(h["content-length"]);
        if (Number.isFinite(declared) && declared > max) stop(tooLarge(provider, "an answer", max));
      },
      onResponseData(_c, chunk) {
        if (done) return;
        size += chunk.length;
        parts.push(chunk);
        if (size <= max) return;
        // An error reply is read up to its bound and reported with what came; an answer is refused.
        if (status >= 400) stop(errorReply());
        else stop(tooLarge(provider, "an answer", max));
      },
      onResponseEnd() {
        if (done) return;
        if (status >= 400) {
          const err = errorReply();
          finish();
          reject(err);
          return;
        }
        finish();
        const text = (parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts)).toString("utf8");
        try {
          resolve(JSON.parse(text));
        } catch {
          reject(new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, `Received a response from ${provider} that is not JSON.`));
        }
      },
      onResponseError(_c, err) {
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
