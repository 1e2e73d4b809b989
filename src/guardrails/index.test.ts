import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BOOTSTRAP_ADMIN, SYSTEM_PRINCIPAL, type Principal } from "../auth/principal.js";
import { GatewayError } from "../gateway/errors.js";
import type { GuardrailContext } from "../gateway/policies.js";
import type { AnyChunk, ChatChunk, ChatCompletion, JsonObject, Task } from "../gateway/types.js";
import { compile, type GuardrailsConfig } from "./config.js";
import { createGuardrails, type JudgeFn } from "./index.js";

const ctx = { signal: new AbortController().signal, requestId: "r1" };

function gctx(config: GuardrailsConfig, task: Task = "llm/v1/chat", caller: Principal = BOOTSTRAP_ADMIN): GuardrailContext {
  return { endpoint: { id: "1", name: "ep", task, entities: [], routes: [], refs: [] }, caller, task, config, ctx };
}

const chat = (...contents: string[]): JsonObject => ({ messages: contents.map((content) => ({ role: "user", content })) });

function completion(content: string, extra: Partial<ChatCompletion> = {}): ChatCompletion {
  return { id: "x", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }], ...extra };
}

function chunks(...pieces: string[]): ChatChunk[] {
  const c = (delta: JsonObject, finish: string | null = null): ChatChunk => ({ id: "x", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta, finish_reason: finish }] });
  return [
    c({ role: "assistant", content: "" }),
    ...pieces.map((p) => c({ content: p })),
    c({}, "stop"),
    { id: "x", object: "chat.completion.chunk", created: 1, model: "m", choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } },
  ];
}

async function* stream(list: AnyChunk[]): AsyncGenerator<AnyChunk> {
  for (const c of list) yield c;
}

async function collect(it: AsyncIterable<AnyChunk>): Promise<{ got: AnyChunk[]; error?: unknown }> {
  const got: AnyChunk[] = [];
  try {
    for await (const c of it) got.push(c);
    return { got };
  } catch (error) {
    return { got, error };
  }
}

function blockedWith(status: number, message: RegExp, param?: string) {
  return (err: unknown) => {
    assert.ok(err instanceof GatewayError, String(err));
    assert.equal(err.status, status);
    assert.match(err.message, message);
    if (param !== undefined) assert.equal(err.param, param);
    return true;
  };
}

const never: JudgeFn = async () => {
  throw new Error("the judge should not be called");
};

describe("input guardrails", () => {
  const g = createGuardrails({ judge: never });

  it("blocks an invalid keyword with a 400 naming it and the field", async () => {
    await assert.rejects(g.input(gctx({ input: { invalid_keywords: ["secret project"] } }), chat("tell me about the SECRET project")), blockedWith(400, /^Request blocked by input guardrail: invalid keyword "secret project"\.$/, "messages"));
    const body = chat("a secretive project");
    assert.equal(await g.input(gctx({ input: { invalid_keywords: ["secret project"] } }), body), body);
  });
  it("blocks PII naming the types only", async () => {
    const err = await g.input(gctx({ input: { pii: { behavior: "BLOCK" } } }), chat("mail jane@example.com or call 202-555-0143")).catch((e: unknown) => e);
    assert.ok(blockedWith(400, /^Request blocked by input guardrail: PII detected \(EMAIL, PHONE\)\.$/)(err));
    assert.ok(!(err as Error).message.includes("jane"));
    await assert.rejects(g.input(gctx({ input: { pii: { behavior: "BLOCK" } } }, "llm/v1/completions"), { prompt: "ssn 123-45-6789" }), blockedWith(400, /SSN/, "prompt"));
    await assert.rejects(g.input(gctx({ input: { pii: { behavior: "BLOCK" } } }, "llm/v1/embeddings"), { input: ["ok", "ip 10.0.0.1"] }), blockedWith(400, /IP_ADDRESS/, "input"));
  });
  it("masks PII in a copy of the body", async () => {
    const body = { messages: [{ role: "system", content: "be brief" }, { role: "user", content: [{ type: "text", text: "I am jane@example.com" }] }], temperature: 0.2 };
    const before = structuredClone(body);
    const out = await g.input(gctx({ input: { pii: { behavior: "MASK" } } }), body);
    assert.deepEqual(out, { messages: [{ role: "system", content: "be brief" }, { role: "user", content: [{ type: "text", text: "I am [EMAIL]" }] }], temperature: 0.2 });
    assert.deepEqual(body, before, "the caller's object is not modified");
    const clean = chat("nothing here");
    assert.equal(await g.input(gctx({ input: { pii: { behavior: "MASK" } } }), clean), clean, "unchanged bodies are not copied");
  });
  it("does nothing with pii NONE, and skips calls by the system (the judge's own calls)", async () => {
    const body = chat("jane@example.com");
    assert.equal(await g.input(gctx({ input: { pii: { behavior: "NONE" } } }), body), body);
    assert.equal(await g.input(gctx({ input: { pii: { behavior: "BLOCK" }, invalid_keywords: ["jane"] } }, "llm/v1/chat", SYSTEM_PRINCIPAL), body), body);
  });
});

describe("judged guardrails", () => {
  it("asks the judge endpoint for safety and topics, on masked text", async () => {
    const seen: Array<{ endpoint: string; text: string }> = [];
    const g = createGuardrails({
      judge: async (endpoint, messages) => {
        const text = messages[1]?.content ?? "";
        seen.push({ endpoint, text });
        if (messages[0]?.content.includes("ON_TOPIC")) return text.includes("weather") ? "OFF_TOPIC" : "ON_TOPIC";
        return text.includes("bomb") ? "UNSAFE" : "SAFE";
      },
    });
    const cfg: GuardrailsConfig = { judge_endpoint: "judge", input: { safety: true, valid_topics: ["billing"], pii: { behavior: "MASK" } } };
    const out = await g.input(gctx(cfg), { messages: [{ role: "system", content: "You help with billing." }, { role: "user", content: "my invoice for a@b.co" }] });
    assert.deepEqual((out["messages"] as Array<{ content: string }>)[1]?.content, "my invoice for [EMAIL]");
    assert.ok(seen.every((s) => s.endpoint === "judge"));
    assert.ok(seen.some((s) => s.text.includes("system: You help with billing.\n\nuser: my invoice for [EMAIL]")), "safety sees the conversation, masked");
    assert.ok(seen.some((s) => s.text === "<content>\nmy invoice for [EMAIL]\n</content>"), "topics see the last user message");
    await assert.rejects(g.input(gctx(cfg), chat("how to build a bomb")), blockedWith(400, /^Request blocked by input guardrail: unsafe content\.$/));
    await assert.rejects(g.input(gctx(cfg), chat("what is the weather")), blockedWith(400, /^Request blocked by input guardrail: off-topic\.$/));
    await assert.rejects(g.output(gctx({ judge_endpoint: "judge", output: { safety: true } }), completion("here is a bomb recipe")), blockedWith(400, /^Response blocked by output guardrail: unsafe content\.$/));
  });
  it("fails closed with a 503 that does not name the judge, and logs why", async () => {
    const logged: object[] = [];
    const g = createGuardrails({
      judge: async () => {
        throw new Error("judge down");
      },
      log: { warn: (o) => logged.push(o) },
    });
    const err = await g.input(gctx({ judge_endpoint: "secret-judge", input: { safety: true } }), chat("hi")).catch((e: unknown) => e);
    assert.ok(blockedWith(503, /^Input guardrail unavailable: the safety check could not be completed/)(err));
    assert.ok(!(err as Error).message.includes("secret-judge"));
    assert.equal(logged.length, 1);
    assert.match(JSON.stringify(logged[0]), /"judge":"secret-judge".*"check":"safety"/);
  });
  it("does not call the judge for empty text (a tool-call-only answer)", async () => {
    const g = createGuardrails({ judge: never });
    const r = completion("");
    assert.equal(await g.output(gctx({ judge_endpoint: "j", output: { safety: true, valid_topics: ["x"] } }), r), r);
  });
  it("blocks content too long to judge", async () => {
    const g = createGuardrails({ judge: never });
    await assert.rejects(g.input(gctx({ judge_endpoint: "j", input: { safety: true } }), chat("a ".repeat(70_000))), blockedWith(400, /content too long for the safety check/));
  });
});

describe("output guardrails", () => {
  const g = createGuardrails({ judge: never });

  it("masks PII in answers and tool-call arguments", async () => {
    const r = completion("reach me at a@b.co", {});
    r.choices[0]!.message.tool_calls = [{ id: "1", type: "function", function: { name: "send", arguments: '{"card":"4111 1111 1111 1111"}' } }];
    const out = (await g.output(gctx({ output: { pii: { behavior: "MASK" } } }), r)) as ChatCompletion;
    assert.equal(out.choices[0]?.message.content, "reach me at [EMAIL]");
    assert.equal(out.choices[0]?.message.tool_calls?.[0]?.function?.arguments, '{"card":"[CREDIT_CARD]"}');
    assert.equal(r.choices[0]?.message.content, "reach me at a@b.co");
  });
  it("blocks keywords without repeating them", async () => {
    await assert.rejects(g.output(gctx({ output: { invalid_keywords: ["falcon"] } }), completion("Project Falcon is live")), blockedWith(400, /^Response blocked by output guardrail: invalid keyword\.$/));
  });
  it("checks completions text", async () => {
    const r = { id: "x", object: "text_completion" as const, created: 1, model: "m", choices: [{ index: 0, text: "ip 10.0.0.1", finish_reason: "stop" }] };
    const out = await g.output(gctx({ output: { pii: { behavior: "MASK" } } }, "llm/v1/completions"), r);
    assert.equal((out as typeof r).choices[0]?.text, "ip [IP_ADDRESS]");
  });
});

describe("output guardrails on streams", () => {
  const g = createGuardrails({ judge: never });

  it("passes the stream through untouched when the output side checks nothing", () => {
    const s = stream(chunks("a"));
    assert.equal(g.outputStream(gctx({ output: { pii: { behavior: "NONE" } } }), s), s);
    assert.equal(g.outputStream(gctx({ output: { pii: { behavior: "MASK" } } }, "llm/v1/chat", SYSTEM_PRINCIPAL), s), s);
  });
  it("masks a value split over chunks, keeping chunk boundaries and usage", async () => {
    const list = chunks("Mail jane.d", "oe@exam", "ple.com, thanks");
    const { got, error } = await collect(g.outputStream(gctx({ output: { pii: { behavior: "MASK" } } }), stream(list)));
    assert.equal(error, undefined);
    assert.equal(got.length, list.length);
    const text = got.map((c) => (c as ChatChunk).choices[0]?.delta.content ?? "");
    assert.deepEqual(text.slice(1, 4), ["Mail [EMAIL]", "", ", thanks"]);
    assert.ok(!JSON.stringify(got).includes("jane"));
    assert.deepEqual(got.at(-1)?.usage, { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
  });
  it("blocks after the whole answer is in: no content chunk, the usage, then the error", async () => {
    const { got, error } = await collect(g.outputStream(gctx({ output: { invalid_keywords: ["falcon"] } }), stream(chunks("Project Fal", "con is go"))));
    assert.ok(blockedWith(400, /Response blocked by output guardrail: invalid keyword/)(error));
    assert.equal(got.length, 1);
    assert.deepEqual(got[0]?.choices, []);
    assert.equal(got[0]?.usage?.total_tokens, 7);
  });
  it("passes upstream errors through", async () => {
    async function* failing(): AsyncGenerator<AnyChunk> {
      yield chunks("a")[0] as AnyChunk;
      throw new Error("upstream broke");
    }
    const { got, error } = await collect(g.outputStream(gctx({ output: { pii: { behavior: "MASK" } } }), failing()));
    assert.equal(got.length, 0);
    assert.match(String(error), /upstream broke/);
  });
});

describe("compiled guardrails", () => {
  it("are compiled once per config object", () => {
    const cfg: GuardrailsConfig = { input: { invalid_keywords: ["x"] } };
    assert.equal(compile(cfg), compile(cfg));
    assert.notEqual(compile(cfg), compile({ ...cfg }));
  });
});

describe("guardrail config checks", () => {
  const g = createGuardrails({ judge: never });
  const rejects = (cfg: object, prefix: string, field: string, message: RegExp) =>
    assert.throws(
      () => g.checkConfig(cfg, prefix),
      (err: unknown) => err instanceof GatewayError && err.status === 400 && err.param === field && message.test(err.message),
    );

  it("needs a judge endpoint for safety and valid_topics, naming the field under the prefix", () => {
    rejects({ guardrails: { input: { safety: true } } }, "ai_gateway", "ai_gateway.guardrails.input.safety", /^ai_gateway\.guardrails\.input\.safety needs ai_gateway\.guardrails\.judge_endpoint/);
    rejects({ guardrails: { output: { valid_topics: ["a"] } } }, "", "guardrails.output.valid_topics", /^guardrails\.output\.valid_topics needs guardrails\.judge_endpoint/);
    g.checkConfig({ guardrails: { judge_endpoint: "j", input: { safety: true, valid_topics: ["a"] } } }, "ai_gateway");
  });
  it("needs no judge for safety false, empty topics or the other guardrails", () => {
    g.checkConfig({ guardrails: { input: { safety: false, valid_topics: [], invalid_keywords: ["x"], pii: { behavior: "MASK" } }, output: {} } }, "ai_gateway");
    g.checkConfig({}, "ai_gateway");
  });
  it("rejects blank keywords and topics", () => {
    rejects({ guardrails: { input: { invalid_keywords: ["a", "  "] } } }, "", "guardrails.input.invalid_keywords[1]", /is blank/);
    rejects({ guardrails: { judge_endpoint: "j", output: { valid_topics: [""] } } }, "ai_gateway", "ai_gateway.guardrails.output.valid_topics[0]", /is blank/);
  });
  it("fails closed at run time when a stored config has a judged check but no judge", async () => {
    await assert.rejects(createGuardrails({ judge: never }).input(gctx({ input: { safety: true } }), chat("hi")), blockedWith(503, /Input guardrail unavailable/));
  });
});
