/**
 * The dispatch-based calls (json-call.ts, stream-call.ts) against a real loopback server:
 * the abort reaches the upstream through the context's `onAbort` or the signal alone, an
 * error reply is the upstream's error with credentials scrubbed, bounds and the total
 * deadline hold.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { GatewayError } from "../../gateway/errors.js";
import { DEFAULT_UPSTREAM_LIMITS } from "./limits.js";
import { postJson } from "./json-call.js";
import { postStream } from "./stream-call.js";
import type { PostOptions } from "./http.js";

let server: Server;
let base = "";
/** Connections the server saw closing before it answered. */
let cancelled = 0;
let routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {};

before(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.once("close", () => {
      if (!res.writableFinished) cancelled++;
    });
    const h = routes[req.url ?? ""];
    if (h) h(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function opts(path: string, signal: AbortSignal, more: Partial<PostOptions> = {}): PostOptions {
  return { provider: "test-upstream", url: base + path, headers: { "content-type": "application/json" }, body: "{}", signal, secrets: ["sk-secret-value"], ...more };
}

/** An `onAbort` of the kind the edge gives (server/client-abort.ts), driven by hand. */
function handAbort(): { ac: AbortController; onAbort: NonNullable<PostOptions["onAbort"]>; fire(): void; listeners(): number } {
  const ac = new AbortController();
  const fns: (() => void)[] = [];
  return {
    ac,
    onAbort: (fn) => {
      fns.push(fn);
      return () => fns.splice(fns.indexOf(fn), 1);
    },
    fire() {
      ac.abort();
      for (const fn of [...fns]) fn();
    },
    listeners: () => fns.length,
  };
}

const waitFor = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond());
};

describe("postJson", () => {
  it("answers the parsed JSON and stops listening for the abort", async () => {
    routes = { "/ok": (_q, s) => s.end('{"a":1}') };
    const h = handAbort();
    assert.deepEqual(await postJson(opts("/ok", h.ac.signal, { onAbort: h.onAbort })), { a: 1 });
    assert.equal(h.listeners(), 0);
  });

  for (const via of ["onAbort", "the signal alone"] as const) {
    it(`cancels the upstream request when the caller aborts (${via})`, async () => {
      routes = { "/hang": () => {} };
      const before = cancelled;
      const h = handAbort();
      const p = postJson(opts("/hang", h.ac.signal, via === "onAbort" ? { onAbort: h.onAbort } : {}));
      await new Promise((r) => setTimeout(r, 50));
      if (via === "onAbort") h.fire();
      else h.ac.abort();
      await assert.rejects(p, (err: unknown) => err === h.ac.signal.reason);
      await waitFor(() => cancelled > before);
    });
  }

  it("an error reply is the upstream's error, its credential scrubbed", async () => {
    routes = { "/err": (_q, s) => s.writeHead(429, { "retry-after": "7" }).end('{"error":{"message":"bad key sk-secret-value","code":"rate"}}') };
    await assert.rejects(postJson(opts("/err", new AbortController().signal)), (err: unknown) => {
      assert.ok(err instanceof GatewayError);
      assert.equal(err.status, 429);
      assert.equal(err.retryAfter, "7");
      assert.match(err.message, /bad key \[REDACTED\]/);
      assert.doesNotMatch(err.message, /sk-secret-value/);
      return true;
    });
  });

  it("an answer over the bound is refused (declared, and cut while read)", async () => {
    const limits = { ...DEFAULT_UPSTREAM_LIMITS, maxResponseBytes: 1000 };
    routes = {
      "/big": (_q, s) => s.writeHead(200, { "content-length": "5000" }).end("x".repeat(5000)),
      "/chunked": (_q, s) => {
        s.write("[" + "1,".repeat(400));
        s.end("1" + ",1".repeat(400) + "]");
      },
    };
    for (const path of ["/big", "/chunked"]) {
      await assert.rejects(postJson(opts(path, new AbortController().signal, { limits })), (err: unknown) => err instanceof GatewayError && err.kind.code === "UPSTREAM_TOO_LARGE");
    }
  });

  it("a 2xx body that is not JSON is a 502, and the total deadline a 504", async () => {
    routes = { "/text": (_q, s) => s.end("hello"), "/slow": (_q, s) => s.write("{") };
    await assert.rejects(postJson(opts("/text", new AbortController().signal)), (err: unknown) => err instanceof GatewayError && err.status === 502);
    const limits = { ...DEFAULT_UPSTREAM_LIMITS, totalMs: 150 };
    await assert.rejects(postJson(opts("/slow", new AbortController().signal, { limits })), (err: unknown) => err instanceof GatewayError && err.status === 504);
  });
});

describe("postStream", () => {
  it("hands out the body as it comes; an abort through onAbort destroys it and cuts the upstream", async () => {
    routes = {
      "/sse": (_q, s) => {
        s.writeHead(200, { "content-type": "text/event-stream" });
        s.write("data: 1\n\n");
      },
    };
    const before = cancelled;
    const h = handAbort();
    const res = await postStream(opts("/sse", h.ac.signal, { onAbort: h.onAbort }));
    assert.equal(res.statusCode, 200);
    const first = await new Promise<Buffer>((r) => res.body.once("data", r));
    assert.equal(first.toString(), "data: 1\n\n");
    const closed = new Promise((r) => res.body.once("close", r));
    h.fire();
    await closed;
    assert.ok(res.body.destroyed);
    await waitFor(() => cancelled > before);
    assert.equal(h.listeners(), 0);
  });

  it("an error reply rejects the opening with the upstream's error", async () => {
    routes = { "/sse-err": (_q, s) => s.writeHead(401).end('{"error":{"message":"no sk-secret-value"}}') };
    await assert.rejects(postStream(opts("/sse-err", new AbortController().signal)), (err: unknown) => err instanceof GatewayError && /\[REDACTED\]/.test(err.message));
  });
});
