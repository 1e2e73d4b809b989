/**
 * Issue 11, defect 4: cheap input that overflowed the stack (a 500 from `RangeError`) —
 * JSON nested 5,000 deep in `extra_params`, `tools` or a credential field of
 * `PUT …/config`, and an embeddings `input` of 200,000 objects — is a clear 400 on every
 * route family, with rate limits and guardrails on (two of the five recursive walks).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { startMockOpenAI, type MockOpenAI } from "../../testing/mock-openai/index.js";
import { bearer, Client, type Reply } from "../helpers/http.js";
import { tempDir } from "../helpers/gateway-process.js";
import { shapeOf } from "../helpers/raw-http.js";

const ADMIN = "edge-json-limits-admin-token";
const deep = (n: number, leaf: unknown = 1): string => "[".repeat(n) + JSON.stringify(leaf) + "]".repeat(n);
const deepObj = (n: number): string => '{"a":'.repeat(n) + "1" + "}".repeat(n);

function assertLimit(r: Reply, family: "databricks" | "openai", limit: RegExp): void {
  assert.equal(r.status, 400, r.text);
  assert.equal(shapeOf(r.json), family, r.text);
  assert.match(r.text, limit);
}

describe("edge: JSON nesting and element limits on every route family", () => {
  let rt: Runtime;
  let mock: MockOpenAI;
  let api: Client;

  before(async () => {
    mock = await startMockOpenAI();
    rt = await startRuntime({ port: 0, dataDir: tempDir(), env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "300" } });
    api = new Client(rt.url, bearer(ADMIN));
    const oa = { openai_api_base: `${mock.url}/v1`, openai_api_key_plaintext: "sk-json-limits" };
    const ai_gateway = { rate_limits: [{ calls: 100_000, key: "user", renewal_period: "minute" }], guardrails: { input: { pii: { behavior: "MASK" } } } };
    for (const [name, task] of [["jl-chat", "llm/v1/chat"], ["jl-embed", "llm/v1/embeddings"]] as const) {
      const r = await api.call("POST", "/api/2.0/serving-endpoints", { name, config: { served_entities: [{ external_model: { name: "gpt-4o-mini", provider: "openai", task, openai_config: oa } }] }, ai_gateway });
      assert.equal(r.status, 200, r.text);
    }
  });
  after(async () => {
    await rt.close();
    await mock.close();
  });

  it("invocations: extra_params and tools nested 5,000 deep are a Databricks 400 naming the depth limit", async () => {
    const msgs = '"messages":[{"role":"user","content":"hi"}]';
    for (const body of [`{${msgs},"extra_params":{"x":${deep(5000)}}}`, `{${msgs},"tools":[{"type":"function","function":{"name":"f","parameters":${deepObj(5000)}}}]}`]) {
      assertLimit(await api.call("POST", "/serving-endpoints/jl-chat/invocations", body), "databricks", /limit of 128 levels \(--max-json-depth\)/);
    }
  });

  it("OpenAI routes: the same bodies are an OpenAI-shaped 400", async () => {
    const body = `{"model":"jl-chat","messages":[{"role":"user","content":${deep(5000, "hi")}}],"extra_params":${deep(5000)}}`;
    assertLimit(await api.call("POST", "/serving-endpoints/chat/completions", body), "openai", /--max-json-depth/);
    assertLimit(await api.call("POST", "/v1/chat/completions", body), "openai", /--max-json-depth/);
  });

  it("PUT …/config: a credential field nested 5,000 deep is a Databricks 400", async () => {
    const body = `{"served_entities":[{"external_model":{"name":"gpt-4o-mini","provider":"openai","task":"llm/v1/chat","openai_config":{"openai_api_base":"${mock.url}/v1","openai_api_key_plaintext":${deepObj(5000)}}}}]}`;
    assertLimit(await api.call("PUT", "/api/2.0/serving-endpoints/jl-chat/config", body), "databricks", /--max-json-depth/);
  });

  it("embeddings: an input of 200,000 objects is a 400, not a stack overflow (default limits)", async () => {
    const body = `{"model":"jl-embed","input":[${Array(200_000).fill("{}").join(",")}]}`;
    for (const path of ["/serving-endpoints/embeddings", "/v1/embeddings"]) {
      const r = await api.call("POST", path, body);
      assert.equal(r.status, 400, r.text.slice(0, 500));
      assert.equal(shapeOf(r.json), "openai");
    }
    const inv = await api.call("POST", "/serving-endpoints/jl-embed/invocations", `{"input":[${Array(200_000).fill("{}").join(",")}]}`);
    assert.equal(inv.status, 400, inv.text.slice(0, 500));
    assert.equal(shapeOf(inv.json), "databricks");
  });

  it("counts elements: past --max-json-elements is a 400 naming that limit", async () => {
    const body = `{"model":"jl-embed","input":[${Array(1_000_001).fill("1").join(",")}]}`;
    assertLimit(await api.call("POST", "/v1/embeddings", body), "openai", /limit of 1000000 array items and object members \(--max-json-elements\)/);
  });

  it("still serves ordinary requests, and JSON at the depth limit", async () => {
    const r = await api.call("POST", "/serving-endpoints/jl-chat/invocations", { messages: [{ role: "user", content: "hi" }], extra_params: { x: JSON.parse(deep(100)) as unknown } });
    assert.equal(r.status, 200, r.text);
    const e = await api.call("POST", "/v1/embeddings", { model: "jl-embed", input: ["a", "b"] });
    assert.equal(e.status, 200, e.text);
  });
});
