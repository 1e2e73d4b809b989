/**
 * Issue 11's acceptance fuzz: a few thousand generated bad requests (fixed seed) across
 * every route family — control plane, invocations, the OpenAI routes, secrets, identity,
 * usage, the OAuth token endpoint — with bad names, bad tokens, bad content types, broken
 * and hostile JSON, type-mutated bodies, plus malformed HTTP on raw sockets. Asserted: no
 * 5xx, every error body in its family's shape, and the server alive and serving after.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Agent, request } from "undici";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { familyOf } from "../../src/server/errors.js";
import { startMockOpenAI, type MockOpenAI } from "../../testing/mock-openai/index.js";
import { bearer, Client } from "../helpers/http.js";
import { tempDir } from "../helpers/gateway-process.js";
import { rawExchange, shapeOf } from "../helpers/raw-http.js";

const ADMIN = "edge-fuzz-admin-token-0123";
const SEED = 0x11a;
const HTTP_CASES = 3000;
const RAW_CASES = 120;

/** mulberry32: a small seeded PRNG, so every run sends the same requests. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Template {
  method: string;
  path: string; // {name} is replaced
  body: () => unknown;
}

const chatBody = () => ({ messages: [{ role: "user", content: "hi" }], max_tokens: 5 });
const ocBody = (model: string) => () => ({ model, messages: [{ role: "user", content: "hi" }], max_tokens: 5 });
const entity = (base: string) => ({ name: "gpt-4o-mini", provider: "openai", task: "llm/v1/chat", openai_config: { openai_api_base: base, openai_api_key_plaintext: "sk-fuzz" } });

describe("edge: fuzz across every route family", () => {
  let rt: Runtime;
  let mock: MockOpenAI;
  let api: Client;

  before(async () => {
    mock = await startMockOpenAI({ record: false });
    rt = await startRuntime({ port: 0, dataDir: tempDir(), env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "300" } });
    api = new Client(rt.url, bearer(ADMIN));
    const oa = { openai_api_base: `${mock.url}/v1`, openai_api_key_plaintext: "sk-fuzz" };
    const ai_gateway = { usage_tracking_config: { enabled: true }, rate_limits: [{ calls: 1_000_000, key: "user", renewal_period: "minute" }], guardrails: { input: { pii: { behavior: "MASK" } } } };
    for (const [name, task] of [["fz-chat", "llm/v1/chat"], ["fz-embed", "llm/v1/embeddings"], ["fz-complete", "llm/v1/completions"]] as const) {
      const r = await api.call("POST", "/api/2.0/serving-endpoints", { name, config: { served_entities: [{ external_model: { name: "gpt-4o-mini", provider: "openai", task, openai_config: oa } }] }, ai_gateway });
      assert.equal(r.status, 200, r.text);
    }
    assert.equal((await api.call("POST", "/api/2.0/secrets/scopes/create", { scope: "fz" })).status, 200);
  });
  after(async () => {
    await rt.close();
    await mock.close();
  });

  it(`${HTTP_CASES} generated bad requests and ${RAW_CASES} malformed ones: no 5xx, every error in its family's shape`, async () => {
    const rand = prng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const int = (n: number) => Math.floor(rand() * n);
    const mockBase = `${mock.url}/v1`;
    const templates: Template[] = [
      { method: "POST", path: "/serving-endpoints/{name}/invocations", body: chatBody },
      { method: "POST", path: "/serving-endpoints/fz-chat/invocations", body: chatBody },
      { method: "POST", path: "/serving-endpoints/fz-embed/invocations", body: () => ({ input: ["a", "b"] }) },
      { method: "POST", path: "/serving-endpoints/fz-complete/invocations", body: () => ({ prompt: "hi", max_tokens: 3 }) },
      { method: "POST", path: "/serving-endpoints/chat/completions", body: ocBody("fz-chat") },
      { method: "POST", path: "/v1/chat/completions", body: ocBody("fz-chat") },
      { method: "POST", path: "/v1/completions", body: () => ({ model: "fz-complete", prompt: "hi" }) },
      { method: "POST", path: "/v1/embeddings", body: () => ({ model: "fz-embed", input: "hi" }) },
      { method: "POST", path: "/serving-endpoints/embeddings", body: () => ({ model: "fz-embed", input: ["hi"] }) },
      { method: "GET", path: "/v1/models", body: () => undefined },
      { method: "GET", path: "/v1/models/{name}", body: () => undefined },
      { method: "GET", path: "/api/2.0/serving-endpoints/{name}", body: () => undefined },
      { method: "POST", path: "/api/2.0/serving-endpoints", body: () => ({ name: "fz-new", config: { served_entities: [{ external_model: entity(mockBase) }] } }) },
      { method: "PUT", path: "/api/2.0/serving-endpoints/{name}/config", body: () => ({ served_entities: [{ external_model: entity(mockBase) }] }) },
      { method: "PUT", path: "/api/2.0/serving-endpoints/{name}/ai-gateway", body: () => ({ rate_limits: [{ calls: 5, key: "user", renewal_period: "minute" }] }) },
      { method: "PATCH", path: "/api/2.0/serving-endpoints/{name}/tags", body: () => ({ add_tags: [{ key: "k", value: "v" }] }) },
      { method: "GET", path: "/api/2.0/serving-endpoints/{name}/usage", body: () => undefined },
      { method: "POST", path: "/api/2.0/secrets/put", body: () => ({ scope: "fz", key: "k", string_value: "v" }) },
      { method: "GET", path: "/api/2.0/secrets/list?scope={name}", body: () => undefined },
      { method: "POST", path: "/api/2.0/secrets/scopes/create", body: () => ({ scope: "fz-x" }) },
      { method: "POST", path: "/api/2.0/token/create", body: () => ({ comment: "c", lifetime_seconds: 60 }) },
      { method: "GET", path: "/api/2.0/preview/scim/v2/Users?filter={name}", body: () => undefined },
      { method: "POST", path: "/api/2.0/preview/scim/v2/Users", body: () => ({ userName: "u@example.com" }) },
      { method: "GET", path: "/api/2.0/permissions/serving-endpoints/{name}", body: () => undefined },
      { method: "GET", path: "/api/2.0/usage?start_time={name}", body: () => undefined },
      { method: "POST", path: "/oidc/v1/token", body: () => "grant_type=client_credentials" },
      { method: "GET", path: "/api/2.0/{name}/{name}", body: () => undefined },
      { method: "DELETE", path: "/v1/{name}", body: () => undefined },
    ];
    const names = ["fz-chat", "nope", "a".repeat(64), "b".repeat(300), "%zz", "%E0%A4%A", "..%2F..", "%00", "名前", "x y", "", "fz-chat%2Fconfig", "$%7B%7D", "-", "fz-embed"];
    const weird: unknown[] = [null, true, 0, -1, 1e308, "", "x".repeat(2000), [], {}, [[[]]], { a: { b: { c: [1, "2", null] } } }, -0.5, "\u0000\ud800", 2 ** 53 + 2];
    const tokens = [`Bearer ${ADMIN}`, `Bearer ${ADMIN}`, `Bearer ${ADMIN}`, undefined, "Bearer nope", "Basic !!!", `Basic ${Buffer.from(`token:${ADMIN}`).toString("base64")}`, "Bearer ", "Token x", "Basic " + Buffer.from("a:b").toString("base64")];
    const types = ["application/json", "application/json", "application/json", undefined, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", "%%%"];

    /** Replaces one value somewhere in `v` with something of another type. */
    const mutate = (v: unknown, depth = 0): unknown => {
      if (depth > 4 || v === null || typeof v !== "object") return pick(weird);
      const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
      if (entries.length === 0 || rand() < 0.2) return pick(weird);
      const [k, child] = pick(entries);
      const copy: Record<string, unknown> | unknown[] = Array.isArray(v) ? [...v] : { ...(v as Record<string, unknown>) };
      (copy as Record<string, unknown>)[k] = rand() < 0.3 ? pick(weird) : mutate(child, depth + 1);
      if (!Array.isArray(copy) && rand() < 0.2) copy[pick(["stream", "n", "temperature", "extra_params", "messages", "input", "tools", "__proto__", "constructor"])] = pick(weird);
      return copy;
    };
    const bodyText = (valid: unknown): string | undefined => {
      const json = valid === undefined ? undefined : typeof valid === "string" ? valid : JSON.stringify(valid);
      switch (int(10)) {
        case 0:
          return json?.slice(0, Math.max(1, int(json.length))); // truncated
        case 1:
          return "[".repeat(200 + int(300)) + "]".repeat(int(500)); // deep or unbalanced
        case 2:
          return JSON.stringify({ ...(valid as object), extra_params: { x: "[".repeat(130) } }) + "[".repeat(150) + "1" + "]".repeat(150);
        case 3:
          return Buffer.from(Array.from({ length: 1 + int(200) }, () => int(256))).toString("latin1"); // noise
        case 4:
          return JSON.stringify(pick(weird));
        case 5:
          return `{"input":[${Array(1000 + int(5000)).fill(pick(['{}', "[]", "null", '"s"', "1"])).join(",")}],"messages":[${Array(500).fill("{}").join(",")}]}`;
        case 6:
          return json === undefined ? undefined : json.replace(/"/, "'");
        default: {
          const m = mutate(typeof valid === "object" ? valid : {});
          return JSON.stringify(m);
        }
      }
    };

    const agent = new Agent({ connections: 6, keepAliveTimeout: 10_000 });
    const failures: string[] = [];
    let answered = 0;
    const statuses: Record<number, number> = {};
    const one = async (i: number) => {
      const t = pick(templates);
      const name = pick(names);
      const path = t.path.replaceAll("{name}", name);
      const auth = pick(tokens);
      const type = pick(types);
      const body = t.method === "GET" && rand() < 0.8 ? undefined : bodyText(t.body());
      const headers: Record<string, string> = {};
      if (auth) headers["authorization"] = auth;
      if (type && body !== undefined) headers["content-type"] = type;
      if (rand() < 0.05) headers["x-databricks-endpoints-api-client"] = "\u00ff".repeat(int(50));
      const label = `#${i} ${t.method} ${path.slice(0, 80)} auth=${auth?.slice(0, 10)} type=${type} body=${body?.slice(0, 60)}`;
      try {
        const res = await request(`${rt.url}${path}`, { method: t.method as "GET", headers, ...(body === undefined ? {} : { body }), dispatcher: agent, headersTimeout: 15_000, bodyTimeout: 15_000 });
        const text = await res.body.text();
        answered++;
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        if (res.statusCode >= 500) failures.push(`${res.statusCode} ${label} → ${text.slice(0, 200)}`);
        if (res.statusCode >= 400) {
          const want = path.startsWith("/oidc/") ? "oauth" : familyOf(path);
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          const got = shapeOf(json);
          if (got !== want) failures.push(`shape ${got} != ${want}: ${res.statusCode} ${label} → ${text.slice(0, 200)}`);
        }
      } catch (err) {
        failures.push(`transport ${String(err)}: ${label}`);
      }
    };
    // Six at a time on keep-alive connections.
    let next = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < HTTP_CASES) await one(next++);
      }),
    );
    await agent.close();

    // Malformed HTTP on raw sockets: each must be answered in a shape, or closed.
    const lines = ["/api/2.0/serving-endpoints", "/v1/chat/completions", "/serving-endpoints/fz-chat/invocations", "/oidc/v1/token", "/serving-endpoints/embeddings"];
    for (let i = 0; i < RAW_CASES; i++) {
      const p = pick(lines);
      const variants = [
        `POST ${p} HTTP/1.1\r\nHost: x\r\nContent-Length: ${pick(["-1", "abc", "1, 2", "99999999999999999999"])}\r\n\r\n{}`,
        `POST ${p} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ${pick(["chunked, identity", "gzip", "chunked"])}\r\nContent-Length: 2\r\n\r\n{}`,
        `GET ${p} HTTP/1.1\r\nHost: x\r\n${"X-F: " + "y".repeat(17_000)}\r\n\r\n`,
        `GET ${p} HTTP/1.1\r\n${"A:b\r\n".repeat(100 + int(3000))}\r\n`,
        `GET ${p}\u0001 HTTP/1.1\r\nHost: x\r\n\r\n`,
        `${pick(["GE T", "G\u0000ET", "BREW"])} ${p} HTTP/1.1\r\nHost: x\r\n\r\n`,
        `POST ${p} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN}\r\nTransfer-Encoding: chunked\r\n\r\n${pick(["zz\r\n", "5\r\nab\r\n", "ffffffffffffffffff\r\n"])}`,
        `GET ${p} HTTP/9.9\r\nHost: x\r\n\r\n`,
      ];
      const data = pick(variants);
      const { responses } = await rawExchange(rt.url, data, 1500, { untilAnswered: true });
      for (const r of responses) {
        if (r.status >= 500) failures.push(`raw ${r.status}: ${JSON.stringify(data.slice(0, 80))} → ${r.body.slice(0, 200)}`);
        if (r.status >= 400 && shapeOf(r.json) === "other") failures.push(`raw shape: ${r.status} ${JSON.stringify(data.slice(0, 80))} → ${r.body.slice(0, 200)}`);
      }
    }

    if (process.env["FUZZ_STATS"]) console.log(JSON.stringify(statuses));
    assert.deepEqual(failures.slice(0, 15), [], `${failures.length} failures of ${HTTP_CASES + RAW_CASES}`);
    assert.equal(answered, HTTP_CASES);
    // Alive and serving after it.
    assert.equal((await api.call("GET", "/health")).status, 200);
    const q = await api.call("POST", "/serving-endpoints/fz-chat/invocations", chatBody());
    assert.equal(q.status, 200, q.text);
  });
});
