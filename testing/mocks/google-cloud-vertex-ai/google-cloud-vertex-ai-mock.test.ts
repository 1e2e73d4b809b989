// Proof that the mock Vertex AI speaks the real wire format: Google's own @google/genai SDK
// (Vertex mode) is its client, with an OAuth2Client holding a token the mock's /token issued
// for a JWT signed with the service-account key.
// Run: node --import tsx --test testing/mocks/google-cloud-vertex-ai/google-cloud-vertex-ai-mock.test.ts
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { ApiError, GoogleGenAI, type GenerateContentResponse } from "@google/genai";
import { OAuth2Client } from "google-auth-library";
import { importPKCS8, SignJWT } from "jose";
import { CLOUD_PLATFORM_SCOPE, MOCK_PROJECT, MOCK_REGION, newKeyPair, startMockVertex, type MockVertex } from "./index.js";
import type { ServiceAccountKeyJson } from "./keys.js";

const MODEL = "gemini-2.5-flash";

async function assertion(key: ServiceAccountKeyJson, over: { aud?: string; scope?: string; pem?: string; lifetime?: number } = {}): Promise<string> {
  const signingKey = await importPKCS8(over.pem ?? key.private_key, "RS256");
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: over.scope ?? CLOUD_PLATFORM_SCOPE })
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: key.private_key_id })
    .setIssuer(key.client_email)
    .setAudience(over.aud ?? key.token_uri)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (over.lifetime ?? 3600))
    .sign(signingKey);
}

async function tokenReply(key: ServiceAccountKeyJson, jwt: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(key.token_uri, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion: jwt }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function sdk(mock: MockVertex, accessToken: string): GoogleGenAI {
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: accessToken, expiry_date: Date.now() + 3_600_000 });
  return new GoogleGenAI({
    vertexai: true,
    project: MOCK_PROJECT,
    location: MOCK_REGION,
    httpOptions: { baseUrl: mock.url, apiVersion: "v1" },
    googleAuthOptions: { authClient },
  });
}

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected a rejection");
}

async function collect(stream: AsyncGenerator<GenerateContentResponse>): Promise<GenerateContentResponse[]> {
  const out: GenerateContentResponse[] = [];
  for await (const c of stream) out.push(c);
  return out;
}

let mock: MockVertex;
let ai: GoogleGenAI;

before(async () => {
  mock = await startMockVertex();
  const { status, body } = await tokenReply(mock.serviceAccountKey(), await assertion(mock.serviceAccountKey()));
  assert.equal(status, 200);
  ai = sdk(mock, String(body["access_token"]));
});
after(() => mock.close());
beforeEach(() => mock.reset());

describe("mock /token (Google's JWT-bearer grant)", () => {
  test("a JWT signed with the key is exchanged for a bearer token", async () => {
    const key = mock.serviceAccountKey();
    const { status, body } = await tokenReply(key, await assertion(key));
    assert.equal(status, 200);
    assert.equal(body["token_type"], "Bearer");
    assert.equal(body["expires_in"], 3599);
    assert.match(String(body["access_token"]), /^ya29\./);
  });

  test("a JWT signed with another key, for another audience or scope, or living too long is refused", async () => {
    const key = mock.serviceAccountKey();
    const other = newKeyPair().privateKeyPem;
    for (const over of [{ pem: other }, { aud: "https://oauth2.googleapis.com/token" }, { scope: "https://www.googleapis.com/auth/userinfo.email" }, { lifetime: 7200 }]) {
      const { status, body } = await tokenReply(key, await assertion(key, over));
      assert.equal(status, 400, JSON.stringify(over));
      assert.equal(body["error"], "invalid_grant");
    }
  });

  test("a token the mock did not issue is a 401 UNAUTHENTICATED the SDK reports", async () => {
    const err = await apiError(sdk(mock, "ya29.forged").models.generateContent({ model: MODEL, contents: "hi" }));
    assert.equal(err.status, 401);
    assert.match(err.message, /UNAUTHENTICATED/);
  });
});

describe("generateContent", () => {
  test("plain text with usage", async () => {
    mock.enqueue({ text: "Hello there.", usage: { prompt: 12, completion: 5, cached: 4 } });
    const r = await ai.models.generateContent({ model: MODEL, contents: "Say hello", config: { systemInstruction: "Be brief.", maxOutputTokens: 50, temperature: 0.2 } });
    assert.equal(r.text, "Hello there.");
    assert.equal(r.candidates?.[0]?.finishReason, "STOP");
    assert.deepEqual(
      { p: r.usageMetadata?.promptTokenCount, c: r.usageMetadata?.candidatesTokenCount, k: r.usageMetadata?.cachedContentTokenCount },
      { p: 12, c: 5, k: 4 },
    );
    const req = mock.last();
    assert.equal(req.path, `/v1/projects/${MOCK_PROJECT}/locations/${MOCK_REGION}/publishers/google/models/${MODEL}:generateContent`);
    const body = req.json as { generationConfig: Record<string, unknown>; systemInstruction: unknown };
    assert.equal(body.generationConfig["maxOutputTokens"], 50);
    assert.deepEqual(body.systemInstruction, { parts: [{ text: "Be brief." }], role: "user" });
  });

  test("function calls (several) finish with STOP and carry no ids", async () => {
    mock.enqueue({ toolCalls: [{ id: "a", name: "get_weather", arguments: { city: "Paris" } }, { id: "b", name: "get_time", arguments: { tz: "CET" } }] });
    const r = await ai.models.generateContent({
      model: MODEL,
      contents: "Weather and time in Paris?",
      config: { tools: [{ functionDeclarations: [{ name: "get_weather", parametersJsonSchema: { type: "object" } }, { name: "get_time" }] }] },
    });
    assert.deepEqual(
      r.functionCalls?.map((c) => ({ name: c.name, args: c.args, id: c.id })),
      [
        { name: "get_weather", args: { city: "Paris" }, id: undefined },
        { name: "get_time", args: { tz: "CET" }, id: undefined },
      ],
    );
    assert.equal(r.candidates?.[0]?.finishReason, "STOP");
  });

  test("thinking parts carry thought: true and their signature; usage splits thoughts out", async () => {
    mock.enqueue({ reasoning: [{ text: "Let me think.", signature: "c2lnLTE=" }], text: "42", usage: { prompt: 9, completion: 30, reasoning: 20 } });
    const r = await ai.models.generateContent({ model: MODEL, contents: "Answer?", config: { thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } } });
    const parts = r.candidates?.[0]?.content?.parts ?? [];
    assert.deepEqual(parts[0], { text: "Let me think.", thought: true, thoughtSignature: "c2lnLTE=" });
    assert.equal(r.text, "42");
    assert.equal(r.usageMetadata?.thoughtsTokenCount, 20);
    assert.equal(r.usageMetadata?.candidatesTokenCount, 10);
  });

  test("several candidates (candidateCount) each have their index", async () => {
    mock.enqueue({ text: "same" });
    const r = await ai.models.generateContent({ model: MODEL, contents: "x", config: { candidateCount: 2 } });
    assert.deepEqual(
      r.candidates?.map((c) => c.index ?? 0),
      [0, 1],
    );
  });

  test("an error reply: the SDK reports its status and Google's message (with RetryInfo)", async () => {
    mock.enqueue({ error: { status: 429, message: "Quota exceeded for aiplatform.googleapis.com.", retryAfter: "30" } });
    const err = await apiError(ai.models.generateContent({ model: MODEL, contents: "x" }));
    assert.equal(err.status, 429);
    const body = JSON.parse(err.message) as { error: { message: string; status: string; details: Array<Record<string, unknown>> } };
    assert.equal(body.error.message, "Quota exceeded for aiplatform.googleapis.com.");
    assert.equal(body.error.status, "RESOURCE_EXHAUSTED");
    assert.equal(body.error.details[0]?.["retryDelay"], "30s");
  });

  test("roles other than user/model are refused as Vertex does (400 INVALID_ARGUMENT)", async () => {
    const err = await apiError(ai.models.generateContent({ model: MODEL, contents: [{ role: "assistant", parts: [{ text: "hi" }] }] }));
    assert.equal(err.status, 400);
    assert.match(err.message, /valid role: user, model/);
  });

  test("a function response without a name is refused", async () => {
    const err = await apiError(
      ai.models.generateContent({
        model: MODEL,
        contents: [
          { role: "user", parts: [{ text: "hi" }] },
          { role: "model", parts: [{ functionCall: { name: "f", args: {} } }] },
          { role: "user", parts: [{ functionResponse: { response: { ok: true } } }] },
        ],
      }),
    );
    assert.equal(err.status, 400);
    assert.match(err.message, /function_response\.name/);
  });
});

describe("generateContentStream (SSE)", () => {
  test("text arrives in pieces; the last chunk has finishReason and usage", async () => {
    mock.enqueue({ text: "Hello from the stream.", pieces: 3, usage: { prompt: 5, completion: 6 } });
    const chunks = await collect(await ai.models.generateContentStream({ model: MODEL, contents: "hi" }));
    assert.equal(chunks.map((c) => c.text ?? "").join(""), "Hello from the stream.");
    assert.ok(chunks.length >= 4);
    const last = chunks[chunks.length - 1];
    assert.equal(last?.candidates?.[0]?.finishReason, "STOP");
    assert.equal(last?.usageMetadata?.candidatesTokenCount, 6);
    assert.equal(mock.last().query.get("alt"), "sse");
  });

  test("function calls arrive whole, one per chunk", async () => {
    mock.enqueue({ toolCalls: [{ id: "a", name: "lookup", arguments: { q: "x" } }, { id: "b", name: "lookup", arguments: { q: "y" } }] });
    const chunks = await collect(await ai.models.generateContentStream({ model: MODEL, contents: "hi" }));
    const calls = chunks.flatMap((c) => c.functionCalls ?? []);
    assert.deepEqual(
      calls.map((c) => c.args),
      [{ q: "x" }, { q: "y" }],
    );
  });

  test("thought pieces stream before the answer, the signature on the last one", async () => {
    mock.enqueue({ reasoning: [{ text: "abcdef", signature: "sig-A" }], text: "ok", pieces: 2 });
    const chunks = await collect(await ai.models.generateContentStream({ model: MODEL, contents: "hi" }));
    const thoughts = chunks.flatMap((c) => c.candidates?.[0]?.content?.parts ?? []).filter((p) => p.thought);
    assert.deepEqual(
      thoughts.map((p) => [p.text, p.thoughtSignature]),
      [
        ["abc", undefined],
        ["def", "sig-A"],
      ],
    );
  });

  test("a mid-stream error chunk makes the SDK throw with its status", async () => {
    mock.enqueue({ text: "partial answer", midStreamError: { status: 503, message: "The model is overloaded." } });
    const stream = await ai.models.generateContentStream({ model: MODEL, contents: "hi" });
    const err = await apiError(collect(stream));
    assert.equal(err.status, 503);
    assert.match(err.message, /overloaded/);
  });

  test("a truncated stream ends without a finishReason", async () => {
    mock.enqueue({ text: "a long answer here", truncate: true });
    const chunks = await collect(await ai.models.generateContentStream({ model: MODEL, contents: "hi" }));
    assert.ok(chunks.every((c) => c.candidates?.[0]?.finishReason === undefined));
  });

  test("an error before the stream is an ApiError", async () => {
    mock.enqueue({ error: { status: 400, message: "Request contains an invalid argument." } });
    const err = await apiError(ai.models.generateContentStream({ model: MODEL, contents: "hi" }));
    assert.equal(err.status, 400);
  });
});

describe("embedContent (text-embedding models use :predict)", () => {
  test("embeddings with token statistics and outputDimensionality", async () => {
    const r = await ai.models.embedContent({ model: "text-embedding-005", contents: ["hello world", "one two three"], config: { outputDimensionality: 4, taskType: "RETRIEVAL_QUERY" } });
    assert.equal(r.embeddings?.length, 2);
    assert.equal(r.embeddings?.[0]?.values?.length, 4);
    assert.equal(r.embeddings?.[1]?.statistics?.tokenCount, 3);
    const req = mock.last();
    assert.ok(req.path.endsWith("/models/text-embedding-005:predict"));
    assert.deepEqual(req.json, {
      instances: [
        { content: "hello world", task_type: "RETRIEVAL_QUERY" },
        { content: "one two three", task_type: "RETRIEVAL_QUERY" },
      ],
      parameters: { outputDimensionality: 4 },
    });
  });
});
