/**
 * Issue 11, defects 5 and 7: the HTTP parser's own errors (bad framing 400, header
 * overflow 431, request timeout 408), a request without `Host` or with thousands of
 * headers, bad percent-encoding and over-long path parameters all answer in the route
 * family's shape (never Fastify's `{"error","message","statusCode"}`, never an empty body),
 * say `Connection: close`, and a keep-alive client's next request succeeds. The OAuth
 * token endpoint answers in OAuth's shape whatever is wrong with its body.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Agent, request } from "undici";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { tempDir } from "../helpers/gateway-process.js";
import { openRaw, rawExchange, shapeOf } from "../helpers/raw-http.js";

const ADMIN = "edge-parser-admin-token";
const AUTH = `Authorization: Bearer ${ADMIN}\r\n`;

describe("edge: parser errors and framework errors in our shape", () => {
  let rt: Runtime;
  before(async () => {
    rt = await startRuntime({
      port: 0,
      dataDir: tempDir(),
      env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "300" },
      edge: { requestTimeoutMs: 1000, idleTimeoutMs: 600 },
    });
  });
  after(async () => {
    await rt.close();
  });

  const cases: Array<{ name: string; data: string; status: number; shape: "databricks" | "openai"; close: boolean }> = [
    { name: "headers over 16 KiB", data: `GET /api/2.0/serving-endpoints HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, status: 431, shape: "databricks", close: true },
    { name: "headers over 16 KiB on an OpenAI route", data: `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, status: 431, shape: "openai", close: true },
    { name: "a bad Content-Length", data: `POST /serving-endpoints/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n`, status: 400, shape: "openai", close: true },
    { name: "Content-Length with Transfer-Encoding", data: `POST /api/2.0/serving-endpoints HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, status: 400, shape: "databricks", close: true },
    { name: "a bad chunk size", data: `POST /api/2.0/serving-endpoints HTTP/1.1\r\nHost: x\r\n${AUTH}Transfer-Encoding: chunked\r\n\r\nzz\r\n`, status: 400, shape: "databricks", close: true },
    { name: "a garbage request line", data: "HELLO\r\n\r\n", status: 400, shape: "databricks", close: true },
    { name: "no Host", data: `GET /v1/models HTTP/1.1\r\n${AUTH}\r\n`, status: 400, shape: "openai", close: true },
    { name: "2,500 headers with Host last", data: `GET /api/2.0/serving-endpoints HTTP/1.1\r\n${AUTH}${"X:v\r\n".repeat(2500)}Host: x\r\n\r\n`, status: 400, shape: "databricks", close: true },
    { name: "bad percent-encoding", data: `GET /serving-endpoints/%zz/invocations HTTP/1.1\r\nHost: x\r\n${AUTH}\r\n`, status: 400, shape: "databricks", close: false },
    { name: "bad percent-encoding on an OpenAI route", data: `GET /v1/models/%E0%A4%A HTTP/1.1\r\nHost: x\r\n${AUTH}\r\n`, status: 400, shape: "openai", close: false },
    { name: "an endpoint name of 150 characters", data: `GET /api/2.0/serving-endpoints/${"a".repeat(150)} HTTP/1.1\r\nHost: x\r\n${AUTH}\r\n`, status: 404, shape: "databricks", close: false },
    { name: "an endpoint name of 64 characters", data: `POST /serving-endpoints/${"b".repeat(64)}/invocations HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Length: 2\r\n\r\n{}`, status: 404, shape: "databricks", close: false },
    { name: "a path parameter of 5,000 characters", data: `GET /api/2.0/serving-endpoints/${"c".repeat(5000)} HTTP/1.1\r\nHost: x\r\n${AUTH}\r\n`, status: 404, shape: "databricks", close: false },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.status} in the ${c.shape} shape${c.close ? ", Connection: close" : ""}`, async () => {
      const { responses } = await rawExchange(rt.url, c.data, c.close ? 3000 : 400);
      const [res] = responses;
      assert.equal(res?.status, c.status, JSON.stringify(responses));
      assert.equal(shapeOf(res?.json), c.shape, res?.body);
      assert.ok(!("statusCode" in (res?.json as object)), "not Fastify's shape");
      if (c.close) assert.equal(res?.headers["connection"], "close");
      if (c.status === 404) assert.equal((res?.json as { error_code: string }).error_code, "RESOURCE_DOES_NOT_EXIST");
    });
  }

  it("headers that stall are closed at the idle deadline; headers dribbled slower than the request deadline get a 408", async () => {
    const stalled = await rawExchange(rt.url, "GET /api/2.0/serving-endpoints HTTP/1.1\r\nHost: x\r\n", 3000);
    // Nothing to answer yet (no request was read): the connection is closed.
    assert.ok(stalled.closedAfterMs !== undefined && stalled.closedAfterMs < 1500, `closed after ${stalled.closedAfterMs} ms`);
    assert.equal(stalled.responses.length, 0);
    const c = await openRaw(rt.url);
    c.write("GET /v1/models HTTP/1.1\r\nHost: x\r\n");
    const t = setInterval(() => c.write("X"), 200);
    const ms = await c.closed;
    clearInterval(t);
    assert.ok(ms >= 950 && ms < 2500, `cut after ${ms} ms, request deadline 1000 ms`);
    const [res] = c.responses();
    assert.equal(res?.status, 408, c.received());
    assert.equal(res?.headers["connection"], "close");
    assert.equal(shapeOf(res?.json), "databricks", "the request line was read, but Node does not keep it: Tessera's default shape");
  });

  it("keep-alive: the client's next request succeeds after a 431 and a 400", async () => {
    const agent = new Agent({ connections: 1, pipelining: 1, keepAliveTimeout: 10_000 });
    try {
      const headers = { authorization: `Bearer ${ADMIN}` };
      for (let i = 0; i < 10; i++) {
        const bad = await request(`${rt.url}/api/2.0/serving-endpoints`, { dispatcher: agent, headers: { ...headers, "x-big": "a".repeat(20_000) } });
        assert.equal(bad.statusCode, 431);
        assert.equal(bad.headers["connection"], "close");
        assert.equal(shapeOf(await bad.body.json()), "databricks");
        const good = await request(`${rt.url}/api/2.0/serving-endpoints`, { dispatcher: agent, headers });
        assert.equal(good.statusCode, 200, "the next request on the same client succeeds");
        await good.body.dump();
      }
      // Queued behind one another on the one connection: the bad one and then two good ones.
      const [a, b, c] = await Promise.all([
        request(`${rt.url}/api/2.0/serving-endpoints`, { dispatcher: agent, headers: { ...headers, "x-big": "a".repeat(20_000) } }),
        request(`${rt.url}/api/2.0/serving-endpoints`, { dispatcher: agent, headers }),
        request(`${rt.url}/api/2.0/serving-endpoints`, { dispatcher: agent, headers }),
      ]);
      assert.deepEqual([a.statusCode, b.statusCode, c.statusCode], [431, 200, 200]);
      await Promise.all([a.body.dump(), b.body.dump(), c.body.dump()]);
    } finally {
      await agent.close();
    }
  });

  it("OAuth token endpoint: a body that is not a form, or an invalid one, is an OAuth invalid_request", async () => {
    const basicAuth = `Authorization: Basic ${Buffer.from("some-client:some-secret").toString("base64")}\r\n`;
    const bodies = [
      `POST /oidc/v1/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 36\r\n\r\n{"grant_type":"client_credentials"}\n`,
      `POST /oidc/v1/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{x`,
      `POST /oidc/v1/token HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello`,
      `POST /oidc/v1/token HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello`,
    ];
    for (const data of bodies) {
      const { responses } = await rawExchange(rt.url, data, 400);
      const [res] = responses;
      assert.equal(res?.status, 400, res?.body);
      assert.deepEqual(Object.keys(res?.json as object).sort(), ["error", "error_description"]);
      assert.equal((res?.json as { error: string }).error, "invalid_request");
    }
    // A form without grant_type, with (unknown) client credentials: OAuth's shape too.
    const form = "client_id=x";
    const { responses } = await rawExchange(rt.url, `POST /oidc/v1/token HTTP/1.1\r\nHost: x\r\n${basicAuth}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\n\r\n${form}`, 400);
    assert.equal(shapeOf(responses[0]?.json), "oauth");
    assert.equal((responses[0]?.json as { error: string }).error, "invalid_client");
    // Oversized headers on the token endpoint: OAuth's shape from the parser as well.
    const big = await rawExchange(rt.url, `POST /oidc/v1/token HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, 2000);
    assert.equal(big.responses[0]?.status, 431);
    assert.equal(shapeOf(big.responses[0]?.json), "oauth");
  });
});
