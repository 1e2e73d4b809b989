/** Conformance cases: Finish reasons and the ways an upstream fails: error replies, an error mid-stream, a cut stream. */
import assert from "node:assert/strict";
import type { MockFinish, MockReply } from "../../mocks/scenario.js";
import { body, streamBody, WEATHER_TOOL, collect, streamedText, finishes, rejects, chatPath, type Chunk, type ConformanceCase } from "./support.js";

const FINISH_CASES: Array<{ finish: MockFinish; reply: MockReply }> = [
  { finish: "stop", reply: { text: "Done." } },
  { finish: "length", reply: { text: "Cut sh", finish: "length" } },
  { finish: "tool_calls", reply: { toolCalls: [{ id: "call_f1", name: "get_weather", arguments: { city: "Rome" } }] } },
  { finish: "content_filter", reply: { text: "", finish: "content_filter" } },
];

export const finishReasons: ConformanceCase = {
  name: "every finish reason",
  needs: ["tools"],
  async run(c) {
    const req = { model: c.endpoints.chat, messages: [{ role: "user", content: "Go" }], tools: [WEATHER_TOOL] };
    for (const { finish, reply } of FINISH_CASES) {
      c.mock.enqueue(reply);
      const r = await c.openai.chat.completions.create(body(req));
      assert.equal(r.choices[0]?.finish_reason, finish, `non-stream ${finish}`);
      c.mock.enqueue(reply);
      const chunks = await collect(await c.openai.chat.completions.create(streamBody(req)));
      assert.deepEqual(finishes(chunks), [finish], `stream ${finish}`);
    }
    // A value the gateway has never heard of: still a clean answer with some finish reason.
    c.mock.enqueue({ text: "Odd.", rawFinish: "brand_new_reason" });
    const odd = await c.openai.chat.completions.create(body(req));
    assert.equal(typeof odd.choices[0]?.finish_reason, "string");
    c.mock.enqueue({ text: "Odd.", rawFinish: "brand_new_reason" });
    const oddChunks = await collect(await c.openai.chat.completions.create(streamBody(req)));
    assert.equal(finishes(oddChunks).length, 1);
  },
};

export const upstreamErrors: ConformanceCase = {
  name: "upstream 4xx/429/5xx",
  needs: [],
  async run(c) {
    const req = { model: c.endpoints.chat, messages: [{ role: "user", content: "Go" }] };
    for (const e of [
      { status: 400, message: "The request was malformed upstream." },
      { status: 429, message: "Slow down, please.", retryAfter: "7" },
      { status: 500, message: "The provider broke." },
      { status: 503, message: "The provider is overloaded." },
    ]) {
      c.mock.enqueue({ error: e });
      const r = await c.post(chatPath(), req);
      assert.equal(r.status, e.status, `status for upstream ${e.status}`);
      const err = r.json["error"] as Record<string, unknown> | undefined;
      assert.ok(err && typeof err["message"] === "string", "OpenAI error shape");
      assert.ok((err["message"] as string).includes(e.message), `message kept: ${String(err["message"])}`);
      if (e.retryAfter) assert.equal(r.headers.get("retry-after"), e.retryAfter);
      c.mock.enqueue({ error: e });
      const sdkErr = await rejects(c.openai.chat.completions.create(body(req)));
      assert.equal(sdkErr.status, e.status);
    }
    // The same when the request asked for a stream: an error before the first byte is an ordinary error response.
    c.mock.enqueue({ error: { status: 429, message: "Slow down, please.", retryAfter: "3" } });
    const s = await c.post(chatPath(), { ...req, stream: true });
    assert.equal(s.status, 429);
  },
};

export const midStream: ConformanceCase = {
  name: "mid-stream error",
  needs: [],
  async run(c) {
    const req = { model: c.endpoints.chat, messages: [{ role: "user", content: "Go" }] };
    const reply: MockReply = { text: "This answer will not finish.", pieces: 4, midStreamError: { status: 529, message: "Overloaded mid-stream.", type: "overloaded_error" } };
    c.mock.enqueue(reply);
    const raw = await c.postStream(chatPath(), { ...req, stream: true });
    assert.equal(raw.status, 200);
    assert.notEqual(raw.data[raw.data.length - 1], "[DONE]", "no [DONE] after an error");
    assert.ok("error" in (JSON.parse(raw.data[raw.data.length - 1] ?? "{}") as object), "the last event is an error");
    c.mock.enqueue(reply);
    const got: Chunk[] = [];
    await rejects(
      (async () => {
        for await (const k of await c.openai.chat.completions.create(streamBody(req))) got.push(k);
      })(),
    );
    assert.ok(streamedText(got).length > 0, "content before the error reached the client");
  },
};

export const truncated: ConformanceCase = {
  name: "truncated stream",
  needs: [],
  async run(c) {
    const req = { model: c.endpoints.chat, messages: [{ role: "user", content: "Go" }] };
    c.mock.enqueue({ text: "This answer is cut short.", pieces: 4, truncate: true });
    const raw = await c.postStream(chatPath(), { ...req, stream: true });
    assert.notEqual(raw.data[raw.data.length - 1], "[DONE]", "a cut stream does not end cleanly");
    assert.ok("error" in (JSON.parse(raw.data[raw.data.length - 1] ?? "{}") as object));
    c.mock.enqueue({ text: "This answer is cut short.", pieces: 4, truncate: true });
    await rejects(
      (async () => {
        for await (const _ of await c.openai.chat.completions.create(streamBody(req))) void _;
      })(),
    );
  },
};

/**
 * A provider that rejects the entity's credentials (401/403) or has no such model (404):
 * the caller gets the gateway's own 400 codes naming the served entity — never the 401
 * UNAUTHENTICATED of a bad Tessera token, which SDKs raise as an authentication error.
 */
export const upstreamRejects: ConformanceCase = {
  name: "upstream 401/403/404 named",
  needs: [],
  async run(c) {
    const req = { model: c.endpoints.chat, messages: [{ role: "user", content: "Go" }] };
    const model = String(c.fx.externalModel(c.mock.url, "llm/v1/chat")["name"]);
    const cases = [
      { status: 401, code: "UPSTREAM_CREDENTIALS_REJECTED", says: "rejected the credentials configured for served entity 'entity'" },
      { status: 403, code: "UPSTREAM_CREDENTIALS_REJECTED", says: "rejected the credentials configured for served entity 'entity'" },
      { status: 404, code: "UPSTREAM_MODEL_NOT_FOUND", says: `no model '${model}' for served entity 'entity'` },
    ];
    for (const e of cases) {
      const message = `Upstream says ${e.status}.`;
      c.mock.enqueue({ error: { status: e.status, message } });
      const r = await c.post(chatPath(), req);
      assert.equal(r.status, 400, `OpenAI route, upstream ${e.status}`);
      const err = r.json["error"] as Record<string, unknown>;
      assert.equal(err["code"], e.code);
      assert.equal(err["type"], "invalid_request_error");
      assert.ok(String(err["message"]).includes(e.says), String(err["message"]));
      assert.ok(String(err["message"]).includes(message), "the provider's message is kept");
      c.mock.enqueue({ error: { status: e.status, message } });
      const d = await c.post(`/serving-endpoints/${c.endpoints.chat}/invocations`, { messages: req.messages });
      assert.equal(d.status, 400, `invocations, upstream ${e.status}`);
      assert.equal(d.json["error_code"], e.code);
      c.mock.enqueue({ error: { status: e.status, message } });
      const sdkErr = await rejects(c.openai.chat.completions.create(body(req)));
      assert.equal(sdkErr.status, 400, "the SDK raises a BadRequestError, not an AuthenticationError");
    }
  },
};
