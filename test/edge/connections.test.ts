/**
 * Issue 11, defect 1: request bodies time out, stalled bodies are cut, an unauthenticated
 * upload is answered and closed without being drained, and connections are capped in all
 * and per client address — each refusal in the route family's shape with
 * `Connection: close`, while normal traffic goes on unaffected. The deadlines are short
 * here (set through `startRuntime`'s `edge`, as `tessera serve` flags set them).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { bearer, Client } from "../helpers/http.js";
import { tempDir } from "../helpers/gateway-process.js";
import { openRaw, shapeOf, type RawConnection } from "../helpers/raw-http.js";

const ADMIN = "edge-connections-admin-token";
const REQUEST_MS = 1500;
const IDLE_MS = 700;
const PER_CLIENT = 40;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function head(path: string, length: number, token = ADMIN): string {
  return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${token ? `Authorization: Bearer ${token}\r\n` : ""}Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
}

/** Sends one byte every `everyMs` until the connection closes; resolves the close time. */
function dribble(c: RawConnection, everyMs: number): Promise<number> {
  const t = setInterval(() => c.write("{"), everyMs);
  return c.closed.finally(() => clearInterval(t));
}

describe("edge: request deadlines and connection caps", () => {
  let rt: Runtime;
  let api: Client;

  before(async () => {
    rt = await startRuntime({
      port: 0,
      dataDir: tempDir(),
      env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "300" },
      edge: { requestTimeoutMs: REQUEST_MS, idleTimeoutMs: IDLE_MS, maxConnectionsPerClient: PER_CLIENT },
    });
    api = new Client(rt.url, bearer(ADMIN));
  });
  after(async () => {
    await rt.close();
  });

  it("cuts slow bodies at the request deadline with a 408 in the family's shape, while normal requests go on", async () => {
    // The campaign's 1 byte / 2 s against a 30 s deadline, scaled: 1 byte / 200 ms against 1.5 s.
    const conns = await Promise.all(Array.from({ length: 10 }, () => openRaw(rt.url)));
    const paths = ["/api/2.0/serving-endpoints", "/serving-endpoints/chat/completions"];
    conns.forEach((c, i) => c.write(head(paths[i % 2] as string, 10_000)));
    const closes = conns.map((c) => dribble(c, 200));
    // Meanwhile normal traffic is served at once.
    const started = Date.now();
    for (let i = 0; i < 20; i++) {
      const t = Date.now();
      const r = await api.call("GET", "/api/2.0/serving-endpoints");
      assert.equal(r.status, 200);
      assert.ok(Date.now() - t < 500, "a normal request is not held up by the slow ones");
      await sleep(30);
    }
    const times = await Promise.all(closes);
    for (const [i, c] of conns.entries()) {
      const ms = times[i] as number;
      assert.ok(ms >= REQUEST_MS - 50 && ms < REQUEST_MS + 1000, `cut at ${ms} ms, deadline ${REQUEST_MS} ms`);
      const [res] = c.responses();
      assert.equal(res?.status, 408, c.received());
      assert.equal(res?.headers["connection"], "close");
      assert.equal(shapeOf(res?.json), i % 2 === 0 ? "databricks" : "openai", res?.body);
      assert.match(res?.body ?? "", /--request-timeout-ms/);
    }
    assert.ok(Date.now() - started < REQUEST_MS + 2000);
  });

  it("cuts a body that stalls at the idle deadline", async () => {
    const conns = await Promise.all(Array.from({ length: 5 }, () => openRaw(rt.url)));
    for (const c of conns) c.write(head("/serving-endpoints/chat/completions", 200) + '{"messages": [');
    const times = await Promise.all(conns.map((c) => c.closed));
    for (const [i, c] of conns.entries()) {
      const ms = times[i] as number;
      assert.ok(ms >= IDLE_MS - 50 && ms < IDLE_MS + 700, `cut at ${ms} ms, idle deadline ${IDLE_MS} ms`);
      const [res] = c.responses();
      assert.equal(res?.status, 408);
      assert.equal(res?.headers["connection"], "close");
      assert.equal(shapeOf(res?.json), "openai", res?.body);
      assert.match(res?.body ?? "", /--idle-timeout-ms/);
    }
    const r = await api.call("GET", "/api/2.0/serving-endpoints");
    assert.equal(r.status, 200);
  });

  it("answers an unauthenticated upload 401 at once and closes without draining the body", async () => {
    const c = await openRaw(rt.url);
    c.write(head("/api/2.0/serving-endpoints", 100_000, ""));
    const closed = dribble(c, 100);
    const t = Date.now();
    while (c.responses().length === 0 && Date.now() - t < 2000) await sleep(10);
    assert.ok(Date.now() - t < 300, "the 401 comes at once");
    const [res] = c.responses();
    assert.equal(res?.status, 401);
    assert.equal(res?.headers["connection"], "close");
    assert.equal(shapeOf(res?.json), "databricks");
    const ms = await closed;
    assert.ok(ms < 1500, `the connection is closed (after ${ms} ms), not held while the body drains`);

    // A wrong token on an OpenAI route: the same, in the OpenAI shape.
    const c2 = await openRaw(rt.url);
    c2.write(head("/v1/chat/completions", 100_000, "not-a-token"));
    const ms2 = await dribble(c2, 100);
    assert.ok(ms2 < 1500);
    assert.equal(c2.responses()[0]?.status, 401);
    assert.equal(shapeOf(c2.responses()[0]?.json), "openai");
  });

  it("keeps the connection of a complete request answered with an error (its body was read)", async () => {
    const c = await openRaw(rt.url);
    const body = '{"name": 5}';
    c.write(head("/api/2.0/serving-endpoints", body.length) + body);
    c.write(`GET /api/2.0/serving-endpoints HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ADMIN}\r\n\r\n`);
    const t = Date.now();
    while (c.responses().length < 2 && Date.now() - t < 2000) await sleep(10);
    const [bad, good] = c.responses();
    assert.equal(bad?.status, 400);
    assert.notEqual(bad?.headers["connection"], "close");
    assert.equal(good?.status, 200);
    c.close();
  });

  it("caps the connections of one client address: 429 in the family's shape, then close", async () => {
    await sleep(IDLE_MS + 300); // earlier tests' connections are gone
    const held = await Promise.all(Array.from({ length: PER_CLIENT }, () => openRaw(rt.url)));
    // Keep them busy (a request being sent) so the idle deadline does not close them first.
    for (const h of held) h.write(head("/api/2.0/serving-endpoints", 1000));
    const over = await openRaw(rt.url);
    over.write(`GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ADMIN}\r\n\r\n`);
    await over.closed;
    const [res] = over.responses();
    assert.equal(res?.status, 429, over.received());
    assert.equal(res?.headers["connection"], "close");
    assert.equal(res?.headers["retry-after"], "1");
    assert.equal(shapeOf(res?.json), "openai");
    assert.match(res?.body ?? "", new RegExp(`limit of ${PER_CLIENT} open connections`));
    for (const h of held) h.close();
    await Promise.all(held.map((h) => h.closed));
    await sleep(50);
    const r = await api.call("GET", "/api/2.0/serving-endpoints");
    assert.equal(r.status, 200, "once the client's connections close, it is served again");
  });
});

describe("edge: the server-wide connection cap", () => {
  let rt: Runtime;
  before(async () => {
    rt = await startRuntime({
      port: 0,
      dataDir: tempDir(),
      env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "300" },
      edge: { maxConnections: 5, idleTimeoutMs: 2000 },
    });
  });
  after(async () => {
    await rt.close();
  });

  it("answers a connection over the total 503 in the family's shape and closes it", async () => {
    const held = await Promise.all(Array.from({ length: 5 }, () => openRaw(rt.url)));
    const over = await openRaw(rt.url);
    over.write(`GET /api/2.0/serving-endpoints HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ADMIN}\r\n\r\n`);
    await over.closed;
    const [res] = over.responses();
    assert.equal(res?.status, 503, over.received());
    assert.equal(res?.headers["connection"], "close");
    assert.equal(shapeOf(res?.json), "databricks");
    assert.equal((res?.json as { error_code: string }).error_code, "TEMPORARILY_UNAVAILABLE");
    for (const h of held) h.close();
    await Promise.all(held.map((h) => h.closed));
    await sleep(50);
    const r = await new Client(rt.url, bearer(ADMIN)).call("GET", "/api/2.0/serving-endpoints");
    assert.equal(r.status, 200);
  });
});
