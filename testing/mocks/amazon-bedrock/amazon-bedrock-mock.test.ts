// The Bedrock mock, proven by the official AWS SDK (@aws-sdk/client-bedrock-runtime) as its
// client: signed requests accepted (and refused when the key is wrong), Converse answers,
// ConverseStream event frames, exception frames, HTTP errors and embeddings as the SDK
// reads them. Also: the gateway's own signed requests pass the same check.
// Run: node --import tsx --test testing/mocks/amazon-bedrock/amazon-bedrock-mock.test.ts
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  type ConverseStreamOutput,
} from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { request } from "undici";
import { BedrockClient } from "../../../src/providers/amazon-bedrock/client.js";
import { BedrockSigner } from "../../../src/providers/amazon-bedrock/signer.js";
import type { MockServer } from "../mock-server.js";
import { MOCK_AWS, MOCK_EMBEDDING_DIMS, mockEmbedding, startMockBedrock } from "./index.js";

process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] = "true";

const CLAUDE = "anthropic.claude-3-7-sonnet-20250219-v1:0";
const USER = [{ role: "user" as const, content: [{ text: "Hello" }] }];

let mock: MockServer;

function sdk(over: { secretAccessKey?: string; accessKeyId?: string; sessionToken?: string; region?: string; url?: string } = {}): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: over.region ?? MOCK_AWS.region,
    endpoint: over.url ?? mock.url,
    credentials: {
      accessKeyId: over.accessKeyId ?? MOCK_AWS.accessKeyId,
      secretAccessKey: over.secretAccessKey ?? MOCK_AWS.secretAccessKey,
      ...(over.sessionToken ? { sessionToken: over.sessionToken } : {}),
    },
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
}

/** The error a promise rejects with; fails the test otherwise. */
async function rejection(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof Error);
    return err as Error & { $metadata?: { httpStatusCode?: number } };
  }
  assert.fail("expected a rejection");
}

before(async () => {
  mock = await startMockBedrock();
});
after(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());

describe("Converse", () => {
  test("a plain answer: text, stop reason, usage; the path double-checks the model id's escaping", async () => {
    mock.enqueue({ text: "Hi there.", usage: { prompt: 12, completion: 3 } });
    const out = await sdk().send(new ConverseCommand({ modelId: CLAUDE, messages: USER, inferenceConfig: { maxTokens: 50 } }));
    assert.deepEqual(out.output?.message, { role: "assistant", content: [{ text: "Hi there." }] });
    assert.equal(out.stopReason, "end_turn");
    assert.deepEqual(out.usage, { inputTokens: 12, outputTokens: 3, totalTokens: 15 });
    assert.equal(out.metrics?.latencyMs, 42);
    const r = mock.last();
    assert.equal(r.path, "/model/anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse");
    assert.deepEqual(r.json, { messages: USER, inferenceConfig: { maxTokens: 50 } });
  });

  test("tool use: toolUse blocks with parsed input, stopReason tool_use", async () => {
    mock.enqueue({ toolCalls: [{ id: "tooluse_1", name: "get_weather", arguments: { city: "Paris" } }, { id: "tooluse_2", name: "get_time", arguments: {} }] });
    const out = await sdk().send(
      new ConverseCommand({
        modelId: CLAUDE,
        messages: USER,
        toolConfig: { tools: [{ toolSpec: { name: "get_weather", inputSchema: { json: { type: "object" } } } }], toolChoice: { auto: {} } },
      }),
    );
    assert.equal(out.stopReason, "tool_use");
    assert.deepEqual(out.output?.message?.content, [
      { toolUse: { toolUseId: "tooluse_1", name: "get_weather", input: { city: "Paris" } } },
      { toolUse: { toolUseId: "tooluse_2", name: "get_time", input: {} } },
    ]);
  });

  test("reasoning (with signature, and redacted as bytes), cache counters, every finish value", async () => {
    mock.enqueue({
      reasoning: [{ text: "Think.", signature: "sig-1" }, { redacted: Buffer.from("opaque").toString("base64") }],
      text: "Done.",
      finish: "length",
      usage: { prompt: 100, completion: 9, cached: 60, cacheWrite: 30 },
    });
    const out = await sdk().send(new ConverseCommand({ modelId: CLAUDE, messages: USER }));
    const content = out.output?.message?.content ?? [];
    assert.deepEqual(content[0], { reasoningContent: { reasoningText: { text: "Think.", signature: "sig-1" } } });
    const redacted = content[1]?.reasoningContent;
    assert.ok(redacted && "redactedContent" in redacted && redacted.redactedContent);
    assert.equal(Buffer.from(redacted.redactedContent).toString(), "opaque");
    assert.deepEqual(content[2], { text: "Done." });
    assert.equal(out.stopReason, "max_tokens");
    assert.deepEqual(out.usage, { inputTokens: 10, outputTokens: 9, totalTokens: 109, cacheReadInputTokens: 60, cacheWriteInputTokens: 30 });
    for (const [finish, stop] of [
      ["stop", "end_turn"],
      ["tool_calls", "tool_use"],
      ["content_filter", "content_filtered"],
    ] as const) {
      mock.enqueue({ text: "x", finish });
      assert.equal((await sdk().send(new ConverseCommand({ modelId: CLAUDE, messages: USER }))).stopReason, stop);
    }
    mock.enqueue({ text: "x", rawFinish: "guardrail_intervened" });
    assert.equal((await sdk().send(new ConverseCommand({ modelId: CLAUDE, messages: USER }))).stopReason, "guardrail_intervened");
  });

  test("HTTP errors: the SDK reads the exception name from x-amzn-errortype and the message from the body", async () => {
    mock.enqueue({ error: { status: 429, message: "Too many requests, please wait before trying again.", retryAfter: "3" } });
    const err = await rejection(sdk().send(new ConverseCommand({ modelId: CLAUDE, messages: USER })));
    assert.equal(err.name, "ThrottlingException");
    assert.equal(err.message, "Too many requests, please wait before trying again.");
    assert.equal(err.$metadata?.httpStatusCode, 429);
    for (const [status, name] of [
      [400, "ValidationException"],
      [403, "AccessDeniedException"],
      [404, "ResourceNotFoundException"],
      [424, "ModelErrorException"],
      [500, "InternalServerException"],
      [503, "ServiceUnavailableException"],
    ] as const) {
      mock.enqueue({ error: { status, message: `m${status}` } });
      const e = await rejection(sdk().send(new ConverseCommand({ modelId: CLAUDE, messages: USER })));
      assert.equal(e.name, name);
      assert.equal(e.message, `m${status}`);
      assert.equal(e.$metadata?.httpStatusCode, status);
    }
  });
});

async function collect(stream: AsyncIterable<ConverseStreamOutput> | undefined): Promise<ConverseStreamOutput[]> {
  assert.ok(stream);
  const out: ConverseStreamOutput[] = [];
  for await (const ev of stream) out.push(ev);
  return out;
}

describe("ConverseStream", () => {
  test("text, reasoning, tool uses with input in pieces, messageStop, metadata usage (frames split and joined across writes)", async () => {
    mock.enqueue({
      reasoning: [{ text: "Let me see.", signature: "sig-9" }],
      text: "Calling tools now.",
      toolCalls: [
        { id: "tooluse_a", name: "get_weather", arguments: { city: "Paris" } },
        { id: "tooluse_b", name: "get_weather", arguments: { city: "Rome" } },
      ],
      usage: { prompt: 20, completion: 15, cached: 5 },
    });
    const out = await sdk().send(new ConverseStreamCommand({ modelId: CLAUDE, messages: USER }));
    const events = await collect(out.stream);
    assert.deepEqual(events[0], { messageStart: { role: "assistant" } });
    let text = "";
    let thinking = "";
    let signature = "";
    const starts: unknown[] = [];
    const inputs = new Map<number, string>();
    for (const ev of events) {
      const d = ev.contentBlockDelta;
      if (d?.delta?.text !== undefined) text += d.delta.text;
      const rc = d?.delta?.reasoningContent;
      if (rc?.text !== undefined) thinking += rc.text;
      if (rc?.signature !== undefined) signature += rc.signature;
      if (d?.delta?.toolUse) inputs.set(d.contentBlockIndex ?? -1, (inputs.get(d.contentBlockIndex ?? -1) ?? "") + d.delta.toolUse.input);
      if (ev.contentBlockStart) starts.push(ev.contentBlockStart);
    }
    assert.equal(text, "Calling tools now.");
    assert.equal(thinking, "Let me see.");
    assert.equal(signature, "sig-9");
    assert.deepEqual(starts, [
      { contentBlockIndex: 2, start: { toolUse: { toolUseId: "tooluse_a", name: "get_weather" } } },
      { contentBlockIndex: 3, start: { toolUse: { toolUseId: "tooluse_b", name: "get_weather" } } },
    ]);
    assert.deepEqual([...inputs.entries()], [
      [2, '{"city":"Paris"}'],
      [3, '{"city":"Rome"}'],
    ]);
    assert.ok(events.filter((e) => e.contentBlockDelta?.delta?.toolUse).length > 2, "arguments arrive in pieces");
    assert.deepEqual(events.at(-2), { messageStop: { stopReason: "tool_use" } });
    const meta = events.at(-1)?.metadata;
    assert.deepEqual(meta?.usage, { inputTokens: 15, outputTokens: 15, totalTokens: 35, cacheReadInputTokens: 5, cacheWriteInputTokens: 0 });
    assert.equal(mock.last().path, "/model/anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse-stream");
  });

  test("an exception frame after the first content: the SDK throws it by name", async () => {
    for (const [e, name] of [
      [{ status: 429, message: "Slow down." }, "ThrottlingException"],
      [{ status: 424, message: "The model failed." }, "ModelStreamErrorException"],
      [{ status: 400, message: "Bad input." }, "ValidationException"],
      [{ status: 503, message: "Busy." }, "ServiceUnavailableException"],
    ] as const) {
      mock.enqueue({ text: "Some words then an error", midStreamError: e });
      const out = await sdk().send(new ConverseStreamCommand({ modelId: CLAUDE, messages: USER }));
      const seen: ConverseStreamOutput[] = [];
      const err = await rejection(
        (async () => {
          for await (const ev of out.stream ?? []) seen.push(ev);
        })(),
      );
      assert.equal(err.name, name);
      assert.equal(err.message, e.message);
      assert.ok(seen.some((ev) => ev.contentBlockDelta?.delta?.text), "content came first");
    }
  });

  test("a truncated stream ends after the first content, without messageStop or metadata", async () => {
    mock.enqueue({ text: "Cut short here", truncate: true });
    const out = await sdk().send(new ConverseStreamCommand({ modelId: CLAUDE, messages: USER }));
    const events = await collect(out.stream);
    assert.equal(events.filter((e) => e.contentBlockDelta).length, 1);
    assert.ok(!events.some((e) => e.messageStop || e.metadata));
  });
});

describe("InvokeModel (embeddings)", () => {
  test("Titan: {inputText, dimensions} → {embedding, inputTextTokenCount}", async () => {
    const out = await sdk().send(
      new InvokeModelCommand({ modelId: "amazon.titan-embed-text-v2:0", contentType: "application/json", accept: "application/json", body: JSON.stringify({ inputText: "hello world", dimensions: 4 }) }),
    );
    const body = JSON.parse(Buffer.from(out.body).toString()) as { embedding: number[]; inputTextTokenCount: number };
    assert.deepEqual(body.embedding, mockEmbedding("hello world", 4));
    assert.equal(body.inputTextTokenCount, 3);
    assert.equal(mock.last().path, "/model/amazon.titan-embed-text-v2%3A0/invoke");
  });

  test("Cohere: {texts, input_type, embedding_types} → {embeddings:{float}}; without types a plain list", async () => {
    const send = (body: object) => sdk().send(new InvokeModelCommand({ modelId: "cohere.embed-english-v3", contentType: "application/json", body: JSON.stringify(body) }));
    const byType = JSON.parse(Buffer.from((await send({ texts: ["a", "b"], input_type: "search_document", embedding_types: ["float"] })).body).toString()) as {
      embeddings: { float: number[][] };
    };
    assert.deepEqual(byType.embeddings.float, [mockEmbedding("a"), mockEmbedding("b")]);
    assert.equal(byType.embeddings.float[0]?.length, MOCK_EMBEDDING_DIMS);
    const plain = JSON.parse(Buffer.from((await send({ texts: ["a"], input_type: "search_query" })).body).toString()) as { embeddings: number[][] };
    assert.deepEqual(plain.embeddings, [mockEmbedding("a")]);
    const err = await rejection(send({ texts: ["a"] }));
    assert.equal(err.name, "ValidationException");
  });
});

describe("SigV4", () => {
  test("a wrong secret key is refused with 403 InvalidSignatureException; an unknown key id with UnrecognizedClientException", async () => {
    const bad = await rejection(sdk({ secretAccessKey: "not-the-secret" }).send(new ConverseCommand({ modelId: CLAUDE, messages: USER })));
    assert.equal(bad.name, "InvalidSignatureException");
    assert.equal(bad.$metadata?.httpStatusCode, 403);
    assert.match(bad.message, /signature we calculated does not match/);
    const unknown = await rejection(sdk({ accessKeyId: "AKIAUNKNOWN" }).send(new ConverseCommand({ modelId: CLAUDE, messages: USER })));
    assert.equal(unknown.name, "UnrecognizedClientException");
    const region = await rejection(sdk({ region: "eu-west-1" }).send(new ConverseCommand({ modelId: CLAUDE, messages: USER })));
    assert.equal(region.name, "InvalidSignatureException");
  });

  test("a signature over other bytes or another path than sent is refused", async () => {
    const signer = new BedrockSigner({ accessKeyId: MOCK_AWS.accessKeyId, secretAccessKey: MOCK_AWS.secretAccessKey }, MOCK_AWS.region);
    const sent = `${mock.url}/model/anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse`;
    const body = Buffer.from(JSON.stringify({ messages: USER }));
    const post = async (signedUrl: string, signedBody: Buffer, sentBody: Buffer) => {
      const headers = await signer.sign(new URL(signedUrl), signedBody, { "content-type": "application/json" });
      const res = await request(sent, { method: "POST", headers, body: sentBody });
      return { status: res.statusCode, type: res.headers["x-amzn-errortype"], body: await res.body.text() };
    };
    assert.equal((await post(sent, body, body)).status, 200);
    // The model id left unescaped in the signed path: the canonical URIs differ.
    const path = await post(`${mock.url}/model/anthropic.claude-3-7-sonnet-20250219-v1:0/converse`, body, body);
    assert.equal(path.status, 403);
    assert.match(String(path.type), /^InvalidSignatureException:/);
    const tampered = await post(sent, body, Buffer.from(JSON.stringify({ messages: [{ role: "user", content: [{ text: "Hellp" }] }] })));
    assert.equal(tampered.status, 403);
  });

  test("temporary credentials: the session token must come along, signed", async () => {
    const tokened = await startMockBedrock({ sessionToken: "FwoGZXIvYXdzEMOCKTOKEN" });
    try {
      const ok = await sdk({ url: tokened.url, sessionToken: "FwoGZXIvYXdzEMOCKTOKEN" }).send(new ConverseCommand({ modelId: CLAUDE, messages: USER }));
      assert.equal(ok.stopReason, "end_turn");
      const missing = await rejection(sdk({ url: tokened.url }).send(new ConverseCommand({ modelId: CLAUDE, messages: USER })));
      assert.equal(missing.name, "UnrecognizedClientException");
    } finally {
      await tokened.close();
    }
  });

  test("the gateway's signed request matches the SDK's: same path, same scope, the same signed essentials, both accepted", async () => {
    const body = { messages: USER, inferenceConfig: { maxTokens: 9 } };
    await sdk().send(new ConverseCommand({ modelId: CLAUDE, ...body }));
    const viaSdk = mock.last();
    const signer = new BedrockSigner({ accessKeyId: MOCK_AWS.accessKeyId, secretAccessKey: MOCK_AWS.secretAccessKey }, MOCK_AWS.region);
    const client = new BedrockClient({ endpoint: mock.url, signer, secrets: [] });
    const res = await client.send(CLAUDE, "converse", body, new AbortController().signal);
    await res.body.json();
    const viaGateway = mock.last();
    assert.equal(res.statusCode, 200);
    assert.equal(viaGateway.path, viaSdk.path);
    assert.deepEqual(viaGateway.json, viaSdk.json);
    const scope = (auth: unknown) => /Credential=[^/]+\/\d{8}\/([^,]+),/.exec(String(auth))?.[1];
    assert.equal(scope(viaGateway.headers.authorization), "us-east-1/bedrock/aws4_request");
    assert.equal(scope(viaGateway.headers.authorization), scope(viaSdk.headers.authorization));
    const signed = (auth: unknown) => (/SignedHeaders=([^,]+)/.exec(String(auth))?.[1] ?? "").split(";");
    for (const h of ["host", "x-amz-date", "x-amz-content-sha256", "content-type"]) {
      assert.ok(signed(viaSdk.headers.authorization).includes(h), `SDK signs ${h}`);
      assert.ok(signed(viaGateway.headers.authorization).includes(h), `gateway signs ${h}`);
    }
    assert.equal(viaGateway.headers["x-amz-content-sha256"], viaSdk.headers["x-amz-content-sha256"], "same body bytes, same hash");
  });
});
