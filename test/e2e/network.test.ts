// Outbound network settings end to end, on loopback: an upstream behind a CONNECT proxy
// (per entity, and from HTTPS_PROXY / NO_PROXY), an upstream with a certificate from a
// private CA (trusted only when the CA bundle is configured) that also asks for a client
// certificate, and the egress allow-list refusing a base URL at config time.
// Run: node scripts/run-tests.mjs test/e2e/network
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import { after, before, describe, test } from "node:test";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { startMockAnthropic } from "../../testing/mocks/anthropic/index.js";
import type { MockServer } from "../../testing/mocks/mock-server.js";

const TLS_DIR = resolve(import.meta.dirname, "../../testing/tls");
const pem = (name: string) => readFileSync(join(TLS_DIR, name), "utf8");
const TOKEN = "network-admin-token";
const KEY = "sk-ant-network-test-0001";

interface Proxy {
  url: string;
  /** The `host:port` of every CONNECT it tunnelled. */
  connects: string[];
  close(): Promise<void>;
}

/** A minimal HTTP proxy that only tunnels (CONNECT), recording where to. */
async function startConnectProxy(): Promise<Proxy> {
  const connects: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createHttpServer((_req, res) => res.writeHead(405).end());
  server.on("connect", (req, client: Socket, head: Buffer) => {
    const target = req.url ?? "";
    connects.push(target);
    const [host, port] = target.split(":") as [string, string];
    const upstream = netConnect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => s.destroy());
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connects,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** TLS in front of a plain mock: the private CA's server certificate, optionally asking for a client certificate. */
async function startTlsFront(target: string, requireClientCert: boolean): Promise<{ url: string; close(): Promise<void> }> {
  const { port } = new URL(target);
  const sockets = new Set<Socket>();
  const server = createTlsServer({ key: pem("server.key"), cert: pem("server.pem"), ca: pem("ca.pem"), requestCert: requireClientCert, rejectUnauthorized: requireClientCert }, (tls: TLSSocket) => {
    const plain = netConnect(Number(port), "127.0.0.1");
    tls.pipe(plain);
    plain.pipe(tls);
    for (const s of [tls, plain]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => s.destroy());
    }
  });
  server.on("tlsClientError", () => undefined);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A port nothing listens on. */
async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function gateway(env: Record<string, string> = {}): Promise<Runtime> {
  return startRuntime({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), "tessera-network-")),
    env: { TESSERA_ADMIN_TOKEN: TOKEN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "500", ...env },
  });
}

async function api(rt: Runtime, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(rt.url + path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const claude = (base: string, network?: Record<string, unknown>) => ({
  provider: "anthropic",
  name: "claude-sonnet-4-6",
  task: "llm/v1/chat",
  anthropic_config: { anthropic_api_key_plaintext: KEY, anthropic_api_base: base, ...(network ? { network } : {}) },
});

const create = (rt: Runtime, name: string, external_model: Record<string, unknown>) =>
  api(rt, "POST", "/api/2.0/serving-endpoints", { name, config: { served_entities: [{ name: "e", external_model }] } });

const ask = (rt: Runtime, endpoint: string) => api(rt, "POST", `/serving-endpoints/${endpoint}/invocations`, { messages: [{ role: "user", content: "Hi" }] });

const messageOf = (json: Record<string, unknown>) => String(json["message"] ?? (json["error"] as Record<string, unknown> | undefined)?.["message"]);

let mock: MockServer;
let proxy: Proxy;

before(async () => {
  mock = await startMockAnthropic({ apiKey: KEY });
  proxy = await startConnectProxy();
});

after(async () => {
  await mock.close();
  await proxy.close();
});

describe("outbound proxy", () => {
  let rt: Runtime;
  before(async () => (rt = await gateway()));
  after(() => rt.close());

  test("network.proxy_url: the upstream call is tunnelled through the proxy", async () => {
    assert.equal((await create(rt, "via-proxy", claude(mock.url, { proxy_url: proxy.url }))).status, 200);
    proxy.connects.length = 0;
    const r = await ask(rt, "via-proxy");
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.deepEqual(proxy.connects, [new URL(mock.url).host]);
  });

  test("without it the call goes direct; a proxy URL with a password or of another scheme is refused", async () => {
    assert.equal((await create(rt, "direct", claude(mock.url))).status, 200);
    proxy.connects.length = 0;
    assert.equal((await ask(rt, "direct")).status, 200);
    assert.deepEqual(proxy.connects, []);
    for (const proxy_url of ["http://user:secret@127.0.0.1:3128", "socks5://127.0.0.1:1080"]) {
      const r = await create(rt, "bad-proxy", claude(mock.url, { proxy_url }));
      assert.equal(r.status, 400);
      assert.match(messageOf(r.json), /network\.proxy_url/);
      assert.doesNotMatch(messageOf(r.json), /secret/);
    }
    const unknown = await create(rt, "bad-proxy", claude(mock.url, { proxy: "x" }));
    assert.equal(unknown.status, 400);
    assert.match(messageOf(unknown.json), /network\.proxy is not a network setting/);
  });

  test("the network block is shown back as given, the client key redacted", async () => {
    assert.equal((await create(rt, "shown", claude(mock.url, { proxy_url: proxy.url, tls_client_cert: pem("client.pem"), tls_client_key_plaintext: pem("client.key") }))).status, 200);
    const got = await api(rt, "GET", "/api/2.0/serving-endpoints/shown");
    const text = JSON.stringify(got.json);
    assert.doesNotMatch(text, /PRIVATE KEY/);
    const em = ((got.json["config"] as Record<string, unknown>)["served_entities"] as Array<Record<string, unknown>>)[0]?.["external_model"] as Record<string, Record<string, unknown>>;
    const network = em["anthropic_config"]?.["network"] as Record<string, unknown>;
    assert.equal(network["proxy_url"], proxy.url);
    assert.equal(network["tls_client_key_plaintext"], "[REDACTED]");
  });
});

describe("HTTPS_PROXY / NO_PROXY from the environment", () => {
  test("every entity without its own settings goes through the environment's proxy, except NO_PROXY hosts", async () => {
    const rt = await gateway({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: "localhost" });
    try {
      assert.equal((await create(rt, "env-proxy", claude(mock.url))).status, 200);
      proxy.connects.length = 0;
      assert.equal((await ask(rt, "env-proxy")).status, 200);
      assert.deepEqual(proxy.connects, [new URL(mock.url).host]);
      const viaLocalhost = mock.url.replace("127.0.0.1", "localhost");
      assert.equal((await create(rt, "env-no-proxy", claude(viaLocalhost))).status, 200);
      proxy.connects.length = 0;
      assert.equal((await ask(rt, "env-no-proxy")).status, 200);
      assert.deepEqual(proxy.connects, [], "NO_PROXY hosts go direct");
    } finally {
      await rt.close();
    }
  });
});

describe("custom CA bundle and client certificate", () => {
  let rt: Runtime;
  let tlsOnly: { url: string; close(): Promise<void> };
  let mtls: { url: string; close(): Promise<void> };
  before(async () => {
    rt = await gateway();
    tlsOnly = await startTlsFront(mock.url, false);
    mtls = await startTlsFront(mock.url, true);
  });
  after(async () => {
    await rt.close();
    await tlsOnly.close();
    await mtls.close();
  });

  test("an upstream with a private CA fails clearly without the bundle and works with it", async () => {
    assert.equal((await create(rt, "tls-untrusted", claude(tlsOnly.url))).status, 200);
    const refused = await ask(rt, "tls-untrusted");
    assert.equal(refused.status, 503, JSON.stringify(refused.json));
    assert.match(messageOf(refused.json), /Could not reach anthropic: .*certificate is not trusted: give its CA as network\.tls_ca_bundle/);
    assert.equal((await create(rt, "tls-trusted", claude(tlsOnly.url, { tls_ca_bundle: pem("ca.pem") }))).status, 200);
    const ok = await ask(rt, "tls-trusted");
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
  });

  test("mutual TLS: refused without a client certificate, answered with one", async () => {
    assert.equal((await create(rt, "mtls-no-cert", claude(mtls.url, { tls_ca_bundle: pem("ca.pem") }))).status, 200);
    const refused = await ask(rt, "mtls-no-cert");
    assert.equal(refused.status, 503, JSON.stringify(refused.json));
    assert.match(messageOf(refused.json), /Could not reach anthropic/);
    const r = await create(rt, "mtls", claude(mtls.url, { tls_ca_bundle: pem("ca.pem"), tls_client_cert: pem("client.pem"), tls_client_key_plaintext: pem("client.key") }));
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const ok = await ask(rt, "mtls");
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
  });

  test("bad TLS material is a 400 naming the field", async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ tls_ca_bundle: "not a pem" }, /network\.tls_ca_bundle/],
      [{ tls_client_cert: pem("client.pem") }, /network\.tls_client_key/],
      [{ tls_client_key_plaintext: pem("client.key") }, /network\.tls_client_cert/],
      [{ tls_client_cert: pem("client.pem"), tls_client_key_plaintext: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" }, /network\.tls_client_key must be a PEM private key/],
    ];
    for (const [network, message] of cases) {
      const res = await create(rt, "tls-bad", claude(mtls.url, network));
      assert.equal(res.status, 400, JSON.stringify(res.json));
      assert.match(messageOf(res.json), message);
    }
  });
});

describe("egress allow-list (TESSERA_EGRESS_ALLOW)", () => {
  test("a base URL or proxy outside the list is refused at config time with a 400; one inside works", async () => {
    const mockHost = new URL(mock.url).host;
    const rt = await gateway({ TESSERA_EGRESS_ALLOW: `api.anthropic.com, *.amazonaws.com, ${mockHost}` });
    try {
      const ok = await create(rt, "allowed", claude(mock.url));
      assert.equal(ok.status, 200, JSON.stringify(ok.json));
      assert.equal((await ask(rt, "allowed")).status, 200);
      const otherPort = `http://127.0.0.1:${await freePort()}`;
      for (const [name, em, field] of [
        ["internal", claude("http://169.254.169.254/latest"), /anthropic_config\.anthropic_api_base: 169\.254\.169\.254 is not in the gateway's egress allow-list/],
        ["other-port", claude(otherPort), /anthropic_api_base: 127\.0\.0\.1:\d+ is not in the gateway's egress allow-list/],
        ["default-base", claude(mock.url, { proxy_url: otherPort }), /network\.proxy_url: 127\.0\.0\.1:\d+ is not in/],
      ] as const) {
        const r = await create(rt, name, em);
        assert.equal(r.status, 400, JSON.stringify(r.json));
        assert.equal(r.json["error_code"], "INVALID_PARAMETER_VALUE");
        assert.match(messageOf(r.json), field);
      }
      // An update is checked the same way, and a refused update leaves the old config serving.
      const upd = await api(rt, "PUT", "/api/2.0/serving-endpoints/allowed/config", { served_entities: [{ name: "e", external_model: claude("http://10.1.2.3") }] });
      assert.equal(upd.status, 400, JSON.stringify(upd.json));
      assert.equal((await ask(rt, "allowed")).status, 200);
    } finally {
      await rt.close();
    }
  });

  test("subnets and ports: 127.0.0.0/8 allows any loopback port; a bad pattern stops the gateway from starting", async () => {
    const rt = await gateway({ TESSERA_EGRESS_ALLOW: "127.0.0.0/8" });
    try {
      assert.equal((await create(rt, "subnet", claude(mock.url))).status, 200);
      assert.equal((await create(rt, "outside", claude("https://api.anthropic.com"))).status, 400);
    } finally {
      await rt.close();
    }
    await assert.rejects(gateway({ TESSERA_EGRESS_ALLOW: "10.0.0.0/abc" }), /TESSERA_EGRESS_ALLOW/);
  });
});
