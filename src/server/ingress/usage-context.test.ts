/**
 * Calls through the native APIs are recorded like any other, `usage_context.ingress`
 * saying which API they came in through — translated or passed through, answered or
 * streamed (the inference table of the endpoint holds each request as the pipeline saw it).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { RIG_TOKEN as TOKEN, startIngressRig, type IngressRig } from "../../../testing/ingress/rig.js";

let rig: IngressRig;
const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

before(async () => {
  rig = await startIngressRig();
  for (const source of ["via-openai", "via-anthropic"]) {
    const b = rig.get(source);
    const res = await fetch(`${rig.url}/api/2.0/serving-endpoints`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        name: `logged-${source}`,
        config: { served_entities: [{ name: "entity", external_model: b.fx.externalModel(b.mock.url, "llm/v1/chat") }] },
        ai_gateway: { inference_table_config: { catalog_name: "main", schema_name: "logs", table_name_prefix: "t", enabled: true }, usage_tracking_config: { enabled: true } },
      }),
    });
    assert.equal(res.status, 200, await res.text());
  }
});
after(() => rig.close());

async function post(path: string, body: unknown): Promise<void> {
  const res = await fetch(rig.url + path, { method: "POST", headers, body: JSON.stringify(body) });
  assert.equal(res.status, 200, path);
  await res.text();
}

async function ingresses(endpoint: string): Promise<string[]> {
  const res = await fetch(`${rig.url}/api/2.0/serving-endpoints/${endpoint}/inference-table`, { headers });
  assert.equal(res.status, 200);
  return (await res.text())
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const row = JSON.parse(line) as { request: unknown; status_code: number };
      const req = (typeof row.request === "string" ? JSON.parse(row.request) : row.request) as { usage_context?: { ingress?: string } };
      return `${req.usage_context?.ingress ?? "none"}:${row.status_code}`;
    })
    .sort();
}

describe("usage_context.ingress", () => {
  it("names the ingress of translated and passed-through calls, answered and streamed", async () => {
    const hi = [{ role: "user", content: "Hi" }];
    for (const ep of ["logged-via-openai", "logged-via-anthropic"]) {
      await post("/v1/messages", { model: ep, max_tokens: 16, messages: hi });
      await post("/v1/messages", { model: ep, max_tokens: 16, messages: hi, stream: true });
      await post("/v1/responses", { model: ep, input: "Hi" });
      await post("/serving-endpoints/open-responses", { model: ep, input: "Hi", stream: true });
      await post(`/serving-endpoints/gemini/v1beta/models/${ep}:generateContent`, { contents: [{ role: "user", parts: [{ text: "Hi" }] }] });
    }
    const expected = ["anthropic-messages:200", "anthropic-messages:200", "gemini:200", "open-responses:200", "openai-responses:200"];
    assert.deepEqual(await ingresses("logged-via-openai"), expected);
    // The Anthropic calls to an Anthropic endpoint were passed through; they are recorded all the same.
    assert.deepEqual(await ingresses("logged-via-anthropic"), expected);
  });
});
