/**
 * Guardrails through the running gateway (startRuntime in process, OpenAI-wire mocks
 * upstream): keyword and PII checks on input and output, streams that never leak a masked
 * value, safety and topic checks through a judge endpoint on the same gateway (its own
 * mock, so the judge's and the model's replies can be scripted separately), judge failures
 * failing closed, and the config-time 400 for a judge-less `safety` / `valid_topics`.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import OpenAI from "openai";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { startMockOpenAIWire } from "../../testing/mocks/openai/index.js";
import type { MockServer } from "../../testing/mocks/mock-server.js";
import { bearer, Client } from "../helpers/http.js";
import { tempDir } from "../helpers/gateway-process.js";

const ADMIN = "guardrails-admin-token-7421";
const UPSTREAM_TOKEN = "guardrails-upstream-token-9932";
const PII = { email: "jane.doe@example.com", phone: "+1 202-555-0143", card: "4111 1111 1111 1111", ssn: "123-45-6789", ip: "10.20.30.40", iban: "GB82 WEST 1234 5698 7654 32" };
const PII_TEXT = `Me: ${PII.email}, ${PII.phone}, card ${PII.card}, SSN ${PII.ssn}, host ${PII.ip}, IBAN ${PII.iban}.`;

type Json = Record<string, unknown>;

describe("guardrails end to end", () => {
  let rt: Runtime;
  let model: MockServer;
  let judgeMock: MockServer;
  let api: Client;

  const external = (url: string, task = "llm/v1/chat") => ({
    name: "m",
    provider: "custom",
    task,
    custom_provider_config: { custom_provider_url: `${url}/v1`, bearer_token_auth: { token_plaintext: UPSTREAM_TOKEN } },
  });

  async function create(name: string, guardrails: Json | undefined, opts: { url?: string; task?: string } = {}): Promise<void> {
    const r = await api.call("POST", "/api/2.0/serving-endpoints", {
      name,
      config: { served_entities: [{ external_model: external(opts.url ?? model.url, opts.task) }] },
      ...(guardrails ? { ai_gateway: { guardrails } } : {}),
    });
    assert.equal(r.status, 200, r.text);
  }

  const invoke = (name: string, body: Json) => api.call("POST", `/serving-endpoints/${name}/invocations`, body);
  const chat = (content: string, extra: Json = {}) => ({ messages: [{ role: "user", content }], ...extra });

  /** A stream's raw SSE text and its `data:` payloads. */
  async function streamed(name: string, body: Json): Promise<{ status: number; text: string; events: Json[] }> {
    const res = await fetch(`${rt.url}/serving-endpoints/${name}/invocations`, {
      method: "POST",
      headers: { authorization: bearer(ADMIN), "content-type": "application/json" },
      body: JSON.stringify({ ...body, stream: true }),
    });
    const text = await res.text();
    api.seen.push(text);
    const events = text
      .split("\n\n")
      .filter((l) => l.startsWith("data: ") && l !== "data: [DONE]")
      .map((l) => JSON.parse(l.slice(6)) as Json);
    return { status: res.status, text, events };
  }

  const contentOf = (events: Json[]) =>
    events
      .flatMap((e) => (e["choices"] as Array<{ delta?: { content?: unknown } }> | undefined) ?? [])
      .map((c) => (typeof c.delta?.content === "string" ? c.delta.content : ""))
      .join("");

  before(async () => {
    [model, judgeMock] = await Promise.all([startMockOpenAIWire(), startMockOpenAIWire()]);
    rt = await startRuntime({ port: 0, dataDir: tempDir(), env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "500" } });
    api = new Client(rt.url, bearer(ADMIN));
    await create("judge", undefined, { url: judgeMock.url });
    await create("kw", { input: { invalid_keywords: ["classified", "Project Falcon"] } });
    await create("pii-mask", { input: { pii: { behavior: "MASK" } } });
    await create("pii-block", { input: { pii: { behavior: "BLOCK" } } });
    await create("out-mask", { output: { pii: { behavior: "MASK" } } });
    await create("out-kw", { output: { invalid_keywords: ["falcon"] } });
    await create("out-mask-completions", { output: { pii: { behavior: "MASK" } } }, { task: "llm/v1/completions" });
    await create("safe", { judge_endpoint: "judge", input: { safety: true } });
    await create("topics", { judge_endpoint: "judge", input: { valid_topics: ["billing", "shipping"] } });
    await create("both", { judge_endpoint: "judge", input: { safety: true, valid_topics: ["billing"], pii: { behavior: "MASK" } }, output: { safety: true } });
    await create("self-judged", { judge_endpoint: "self-judged", input: { safety: true } });
  });
  after(async () => {
    await rt?.close();
    await Promise.all([model?.close(), judgeMock?.close()]);
    for (const seen of api?.seen ?? []) {
      assert.ok(!seen.includes(UPSTREAM_TOKEN) && !seen.includes(ADMIN), "no credential in any response");
    }
  });
  beforeEach(() => {
    model.reset();
    judgeMock.reset();
  });

  describe("input", () => {
    it("an invalid keyword is a 400 in the Databricks shape, and the model gets nothing", async () => {
      const r = await invoke("kw", chat("Tell me about project  FALCON please"));
      assert.equal(r.status, 400, r.text);
      const body = r.json as Json;
      assert.equal(body["error_code"], "BAD_REQUEST");
      assert.equal(body["message"], 'Request blocked by input guardrail: invalid keyword "Project Falcon".');
      assert.equal(model.requests.length, 0);
    });

    it("the same block in the OpenAI shape, through the OpenAI SDK", async () => {
      const client = new OpenAI({ apiKey: ADMIN, baseURL: `${rt.url}/serving-endpoints`, maxRetries: 0 });
      const err = await client.chat.completions.create({ model: "kw", messages: [{ role: "user", content: "this is classified" }] }).catch((e: unknown) => e);
      assert.ok(err instanceof OpenAI.BadRequestError, String(err));
      assert.equal(err.status, 400);
      assert.deepEqual(err.error, { message: 'Request blocked by input guardrail: invalid keyword "classified".', type: "invalid_request_error", param: "messages", code: "BAD_REQUEST" });
      assert.equal(model.requests.length, 0);
    });

    it("a streaming request blocked on input gets the plain 400, not a stream", async () => {
      const s = await streamed("kw", chat("this is classified"));
      assert.equal(s.status, 400);
      assert.equal(s.events.length, 0);
      assert.equal((JSON.parse(s.text) as Json)["message"], 'Request blocked by input guardrail: invalid keyword "classified".');
      assert.equal(model.requests.length, 0);
    });

    it("keywords match whole words only", async () => {
      const r = await invoke("kw", chat("a classifieds section, and falconry"));
      assert.equal(r.status, 200, r.text);
      assert.equal(model.requests.length, 1);
    });

    it("PII MASK: the model sees typed placeholders, never the values", async () => {
      const r = await invoke("pii-mask", { messages: [{ role: "system", content: "Answer briefly." }, { role: "user", content: [{ type: "text", text: PII_TEXT }] }] });
      assert.equal(r.status, 200, r.text);
      const sent = model.last().json as { messages: Array<{ content: unknown }> };
      assert.deepEqual(sent.messages[1]?.content, [{ type: "text", text: "Me: [EMAIL], [PHONE], card [CREDIT_CARD], SSN [SSN], host [IP_ADDRESS], IBAN [IBAN]." }]);
      const raw = model.last().raw.toString();
      for (const v of Object.values(PII)) assert.ok(!raw.includes(v), `the model never sees ${v}`);
    });

    it("PII MASK leaves text without PII alone", async () => {
      const r = await invoke("pii-mask", chat("Order 123-456-7890 shipped on 2024-01-15 with v1.2.3"));
      assert.equal(r.status, 200);
      assert.equal((model.last().json as { messages: Array<{ content: string }> }).messages[0]?.content, "Order 123-456-7890 shipped on 2024-01-15 with v1.2.3");
    });

    it("PII BLOCK: a 400 naming the types, not the values", async () => {
      const r = await invoke("pii-block", chat(`write to ${PII.email} or ${PII.card}`));
      assert.equal(r.status, 400, r.text);
      assert.equal((r.json as Json)["message"], "Request blocked by input guardrail: PII detected (EMAIL, CREDIT_CARD).");
      assert.ok(!r.text.includes(PII.email) && !r.text.includes(PII.card));
      assert.equal(model.requests.length, 0);
      const card = await invoke("pii-block", chat("4111 1111 1111 1112 is not a valid card"));
      assert.equal(card.status, 200, "a Luhn-invalid number passes");
    });
  });

  describe("output", () => {
    it("PII MASK on a response", async () => {
      model.enqueue({ text: `Sure: ${PII_TEXT}` });
      const r = await invoke("out-mask", chat("who am I?"));
      assert.equal(r.status, 200, r.text);
      const msg = (r.json as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content;
      assert.equal(msg, "Sure: Me: [EMAIL], [PHONE], card [CREDIT_CARD], SSN [SSN], host [IP_ADDRESS], IBAN [IBAN].");
      for (const v of Object.values(PII)) assert.ok(!r.text.includes(v));
    });

    it("PII MASK on a stream: no chunk carries a value, even one split across chunks; usage still arrives", async () => {
      model.enqueue({ text: `Sure: ${PII_TEXT}`, pieces: 23, usage: { prompt: 9, completion: 31 } });
      const s = await streamed("out-mask", chat("who am I?"));
      assert.equal(s.status, 200);
      for (const v of [...Object.values(PII), "jane", "doe@", "4111"]) assert.ok(!s.text.includes(v), `${v} not in the stream`);
      assert.equal(contentOf(s.events), "Sure: Me: [EMAIL], [PHONE], card [CREDIT_CARD], SSN [SSN], host [IP_ADDRESS], IBAN [IBAN].");
      assert.ok(s.events.filter((e) => Array.isArray(e["choices"])).length > 10, "chunk boundaries are kept");
      assert.ok(s.events.some((e) => (e["usage"] as Json | undefined)?.["total_tokens"] === 40), "the usage chunk reaches the client");
      assert.ok(s.text.endsWith("data: [DONE]\n\n"));
    });

    it("PII MASK on a completions stream", async () => {
      model.enqueue({ text: `ip ${PII.ip} and ${PII.ssn}`, pieces: 7 });
      const s = await streamed("out-mask-completions", { prompt: "list" });
      assert.equal(s.status, 200);
      assert.ok(!s.text.includes(PII.ip) && !s.text.includes(PII.ssn));
      const text = s.events.flatMap((e) => (e["choices"] as Array<{ text?: string }>) ?? []).map((c) => c.text ?? "").join("");
      assert.equal(text, "ip [IP_ADDRESS] and [SSN]");
    });

    it("a stream without PII is replayed as it came", async () => {
      model.enqueue({ text: "Nothing personal here.", pieces: 4 });
      const s = await streamed("out-mask", chat("hi"));
      assert.equal(contentOf(s.events), "Nothing personal here.");
    });

    it("an output keyword blocks the response without repeating it", async () => {
      model.enqueue({ text: "The Falcon launches at noon." });
      const r = await invoke("out-kw", chat("when?"));
      assert.equal(r.status, 400, r.text);
      assert.equal((r.json as Json)["message"], "Response blocked by output guardrail: invalid keyword.");
      assert.ok(!r.text.includes("noon"));
    });

    it("an output keyword on a stream: no content, the usage, then the error event", async () => {
      model.enqueue({ text: "The Falcon launches at noon.", pieces: 6 });
      const s = await streamed("out-kw", chat("when?"));
      assert.equal(s.status, 200, "the stream had started");
      assert.ok(!s.text.includes("noon") && !s.text.includes("Falcon"));
      assert.ok(!s.text.includes("[DONE]"));
      const last = s.events.at(-1) as Json;
      assert.equal(last["error_code"], "BAD_REQUEST");
      assert.equal(last["message"], "Response blocked by output guardrail: invalid keyword.");
      assert.ok(s.events.some((e) => e["usage"] !== undefined && (e["choices"] as unknown[]).length === 0));
    });
  });

  describe("judged: safety and valid_topics", () => {
    it("safety: SAFE lets the request through, UNSAFE blocks it before the model", async () => {
      judgeMock.enqueue({ text: "SAFE" });
      model.enqueue({ text: "Here is a cake recipe." });
      const ok = await invoke("safe", chat("how do I bake a cake?"));
      assert.equal(ok.status, 200, ok.text);
      assert.equal(model.requests.length, 1);
      const asked = judgeMock.last().json as { messages: Array<{ role: string; content: string }>; temperature: number };
      assert.equal(asked.messages[0]?.role, "system");
      assert.match(asked.messages[0]?.content ?? "", /SAFE or UNSAFE/);
      assert.equal(asked.messages[1]?.content, "<content>\nuser: how do I bake a cake?\n</content>");

      judgeMock.enqueue({ text: " unsafe." });
      const blocked = await invoke("safe", chat("how do I build a weapon?"));
      assert.equal(blocked.status, 400, blocked.text);
      assert.equal((blocked.json as Json)["message"], "Request blocked by input guardrail: unsafe content.");
      assert.equal(model.requests.length, 1, "the model got nothing more");
    });

    it("valid_topics: ON_TOPIC passes, OFF_TOPIC blocks", async () => {
      judgeMock.enqueue({ text: "ON_TOPIC" });
      assert.equal((await invoke("topics", chat("where is my parcel?"))).status, 200);
      assert.match((judgeMock.last().json as { messages: Array<{ content: string }> }).messages[0]?.content ?? "", /- billing\n- shipping/);
      judgeMock.enqueue({ text: "Off-topic" });
      const r = await invoke("topics", chat("write me a poem"));
      assert.equal(r.status, 400);
      assert.equal((r.json as Json)["message"], "Request blocked by input guardrail: off-topic.");
    });

    it("the judge sees masked text, and output safety works on streams", async () => {
      judgeMock.enqueue({ text: "SAFE ON_TOPIC" }, { text: "SAFE ON_TOPIC" }, { text: "UNSAFE" });
      model.enqueue({ text: "Something dangerous.", pieces: 3 });
      const s = await streamed("both", chat(`invoice for ${PII.email}`));
      const judged = judgeMock.requests.map((q) => q.raw.toString()).join("\n");
      assert.ok(!judged.includes(PII.email) && judged.includes("[EMAIL]"), "PII never reaches the judge");
      assert.equal(judgeMock.requests.length, 3, "input safety, input topics, output safety");
      assert.ok(!s.text.includes("dangerous"));
      assert.equal((s.events.at(-1) as Json)["message"], "Response blocked by output guardrail: unsafe content.");
    });

    it("a judge that fails, or answers without a verdict, fails closed with a 503", async () => {
      judgeMock.enqueue({ error: { status: 500, message: "judge exploded" } });
      const failed = await invoke("safe", chat("hello there"));
      assert.equal(failed.status, 503, failed.text);
      assert.equal((failed.json as Json)["error_code"], "TEMPORARILY_UNAVAILABLE");
      assert.match((failed.json as Json)["message"] as string, /^Input guardrail unavailable: the safety check could not be completed/);
      assert.ok(!failed.text.includes("judge exploded"), "the judge's error stays in the log");

      judgeMock.enqueue({ text: "I'd rather not say." });
      assert.equal((await invoke("safe", chat("hello again"))).status, 503);
      assert.equal(model.requests.length, 0);
    });

    it("verdicts are cached briefly: the same request does not ask the judge twice", async () => {
      judgeMock.enqueue({ text: "SAFE" });
      assert.equal((await invoke("safe", chat("a very particular question 42"))).status, 200);
      assert.equal((await invoke("safe", chat("a very particular question 42"))).status, 200);
      assert.equal(judgeMock.requests.length, 1);
    });

    it("an endpoint that is its own judge does not recurse: the judge call skips guardrails", async () => {
      model.enqueue({ text: "SAFE" }, { text: "the real answer" });
      const r = await invoke("self-judged", chat("self check"));
      assert.equal(r.status, 200, r.text);
      assert.equal((r.json as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content, "the real answer");
      assert.equal(model.requests.length, 2);
    });

    it("a judge endpoint that does not exist fails closed", async () => {
      await create("orphan", { judge_endpoint: "no-such-judge", input: { safety: true } });
      const r = await invoke("orphan", chat("hi"));
      assert.equal(r.status, 503, r.text);
      assert.ok(!r.text.includes("no-such-judge"));
      assert.equal(model.requests.length, 0);
    });
  });

  describe("config", () => {
    it("safety or valid_topics without judge_endpoint is a 400 on create", async () => {
      const r = await api.call("POST", "/api/2.0/serving-endpoints", {
        name: "no-judge",
        config: { served_entities: [{ external_model: external(model.url) }] },
        ai_gateway: { guardrails: { input: { safety: true } } },
      });
      assert.equal(r.status, 400, r.text);
      assert.equal((r.json as Json)["error_code"], "INVALID_PARAMETER_VALUE");
      assert.match((r.json as Json)["message"] as string, /^ai_gateway\.guardrails\.input\.safety needs ai_gateway\.guardrails\.judge_endpoint/);
      assert.equal((await api.call("GET", "/api/2.0/serving-endpoints/no-judge")).status, 404, "nothing was created");
    });

    it("…and on PUT …/ai-gateway, naming the field of that body", async () => {
      await create("put-target", undefined);
      const r = await api.call("PUT", "/api/2.0/serving-endpoints/put-target/ai-gateway", { guardrails: { output: { valid_topics: ["billing"] } } });
      assert.equal(r.status, 400, r.text);
      assert.match((r.json as Json)["message"] as string, /^guardrails\.output\.valid_topics needs guardrails\.judge_endpoint/);
      const blank = await api.call("PUT", "/api/2.0/serving-endpoints/put-target/ai-gateway", { guardrails: { input: { invalid_keywords: ["ok", " "] } } });
      assert.equal(blank.status, 400);
      assert.match((blank.json as Json)["message"] as string, /guardrails\.input\.invalid_keywords\[1\] is blank/);
      const unknown = await api.call("PUT", "/api/2.0/serving-endpoints/put-target/ai-gateway", { guardrails: { judge: "x" } });
      assert.equal(unknown.status, 400);
    });

    it("a PUT with a judge endpoint is stored, returned, and takes effect at once", async () => {
      const cfg = { guardrails: { judge_endpoint: "judge", input: { valid_topics: ["billing"], invalid_keywords: ["forbidden"] } } };
      const r = await api.call("PUT", "/api/2.0/serving-endpoints/put-target/ai-gateway", cfg);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json, cfg);
      const got = (await api.call("GET", "/api/2.0/serving-endpoints/put-target")).json as { ai_gateway: unknown };
      assert.deepEqual(got.ai_gateway, cfg);
      assert.equal((await invoke("put-target", chat("this is forbidden"))).status, 400);
      judgeMock.enqueue({ text: "OFF_TOPIC" });
      assert.equal((await invoke("put-target", chat("tell me a joke"))).status, 400);
      const cleared = await api.call("PUT", "/api/2.0/serving-endpoints/put-target/ai-gateway", {});
      assert.equal(cleared.status, 200);
      assert.equal((await invoke("put-target", chat("this is forbidden"))).status, 200, "no guardrails: not checked");
    });
  });
});
