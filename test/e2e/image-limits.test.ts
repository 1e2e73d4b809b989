// The hosted-model image limits end to end: an OpenAI-shaped request with images into a
// running gateway, the Anthropic / Bedrock mocks out; the sizes the mock received are
// read back from the image bytes. Plus the 750-pixels token estimate the limiter and
// usage rows use.
// Run: node scripts/run-tests.mjs test/e2e/image-limits
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { imageSize } from "image-size";
import sharp from "sharp";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { promptTokenEstimate, requestImageTokens } from "../../src/gateway/estimate.js";
import { tokensOf } from "../../src/usage/rows.js";
import type { RequestRecord } from "../../src/gateway/policies.js";
import { startMockAnthropic } from "../../testing/mocks/anthropic/index.js";
import { MOCK_AWS, startMockBedrock } from "../../testing/mocks/amazon-bedrock/server.js";
import type { MockServer } from "../../testing/mocks/mock-server.js";

const TOKEN = "image-limits-admin-token";
const KEY = "sk-ant-image-limits-0001";
let rt: Runtime;
let anthropic: MockServer;
let bedrock: MockServer;

async function png(width: number, height: number): Promise<string> {
  const b = await sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 90 } } }).png().toBuffer();
  return b.toString("base64");
}

const imagePart = (mediaType: string, b64: string) => ({ type: "image_url", image_url: { url: `data:${mediaType};base64,${b64}` } });

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(rt.url + path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const chat = (endpoint: string, content: unknown[]) => api("POST", "/serving-endpoints/chat/completions", { model: endpoint, messages: [{ role: "user", content }] });

/** The images the Anthropic mock received, as media type and pixel size read from their bytes. */
function anthropicImages(): Array<{ mediaType: string; width: number; height: number }> {
  const body = anthropic.last().json as { messages: Array<{ content: Array<Record<string, unknown>> }> };
  return body.messages
    .flatMap((m) => m.content)
    .filter((b) => b["type"] === "image")
    .map((b) => {
      const src = b["source"] as { media_type: string; data: string };
      const s = imageSize(Buffer.from(src.data, "base64"));
      return { mediaType: src.media_type, width: s.width, height: s.height };
    });
}

before(async () => {
  anthropic = await startMockAnthropic({ apiKey: KEY });
  bedrock = await startMockBedrock();
  rt = await startRuntime({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), "tessera-images-")),
    env: { TESSERA_ADMIN_TOKEN: TOKEN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "500" },
  });
  const mk = (name: string, external_model: Record<string, unknown>) => api("POST", "/api/2.0/serving-endpoints", { name, config: { served_entities: [{ name: "e", external_model }] } });
  const claude = { provider: "anthropic", name: "claude-sonnet-4-6", task: "llm/v1/chat", anthropic_config: { anthropic_api_key_plaintext: KEY, anthropic_api_base: anthropic.url } };
  for (const r of [
    await mk("img-claude", claude),
    await mk("img-claude-off", { ...claude, image_limits: false }),
    await mk("img-bedrock", {
      provider: "amazon-bedrock",
      name: "anthropic.claude-3-7-sonnet-20250219-v1:0",
      task: "llm/v1/chat",
      amazon_bedrock_config: {
        aws_region: MOCK_AWS.region,
        aws_access_key_id_plaintext: MOCK_AWS.accessKeyId,
        aws_secret_access_key_plaintext: MOCK_AWS.secretAccessKey,
        bedrock_provider: "anthropic",
        aws_endpoint_url: bedrock.url,
      },
    }),
  ]) {
    assert.equal(r.status, 200, JSON.stringify(r.json));
  }
});

after(async () => {
  await rt.close();
  await anthropic.close();
  await bedrock.close();
});

describe("image limits (on by default for anthropic and amazon-bedrock)", () => {
  test("the setting is on by default, shown when given, and must be a boolean", async () => {
    const got = await api("GET", "/api/2.0/serving-endpoints/img-claude-off");
    const em = ((got.json["config"] as Record<string, unknown>)["served_entities"] as Array<Record<string, unknown>>)[0]?.["external_model"] as Record<string, unknown>;
    assert.equal(em["image_limits"], false);
    const bad = await api("POST", "/api/2.0/serving-endpoints", {
      name: "img-bad",
      config: { served_entities: [{ external_model: { provider: "anthropic", name: "c", task: "llm/v1/chat", image_limits: "yes", anthropic_config: { anthropic_api_key_plaintext: KEY } } }] },
    });
    assert.equal(bad.status, 400);
    assert.match(String(bad.json["message"]), /image_limits/);
  });

  test("a long edge over 1568 px is downscaled keeping the aspect ratio; a small image goes as it was", async () => {
    const big = await png(3000, 1000);
    const small = await png(1000, 1000);
    const r = await chat("img-claude", [{ type: "text", text: "compare" }, imagePart("image/png", big), imagePart("image/png", small)]);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.deepEqual(anthropicImages(), [
      { mediaType: "image/png", width: 1568, height: 522 },
      { mediaType: "image/png", width: 1000, height: 1000 },
    ]);
    const sentSmall = ((anthropic.last().json as { messages: Array<{ content: Array<{ source?: { data: string } }> }> }).messages[0]?.content[2]?.source?.data);
    assert.equal(sentSmall, small, "an image within the limits is sent byte for byte");
  });

  test("an image over ~1600 tokens is downscaled to about that area; a JPEG declared as PNG is sent as JPEG", async () => {
    const jpeg = (await sharp({ create: { width: 1500, height: 1500, channels: 3, background: "#336699" } }).jpeg().toBuffer()).toString("base64");
    const r = await chat("img-claude", [imagePart("image/png", jpeg)]);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const [img] = anthropicImages();
    assert.equal(img?.mediaType, "image/jpeg");
    assert.equal(img?.width, img?.height, "aspect ratio kept");
    assert.ok((img?.width ?? 0) * (img?.height ?? 0) <= 1_200_000 && (img?.width ?? 0) >= 1090, `${img?.width}×${img?.height}`);
  });

  test("Bedrock gets the downscaled image too", async () => {
    const r = await chat("img-bedrock", [{ type: "text", text: "what is it" }, imagePart("image/png", await png(4000, 1000))]);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const body = bedrock.last().json as { messages: Array<{ content: Array<{ image?: { format: string; source: { bytes: string } } }> }> };
    const image = body.messages[0]?.content.find((b) => b.image)?.image;
    assert.equal(image?.format, "png");
    const s = imageSize(Buffer.from(image?.source.bytes ?? "", "base64"));
    assert.deepEqual([s.width, s.height], [1568, 392]);
  });

  test("limits off: the image goes unchanged", async () => {
    const big = await png(3000, 1500);
    const r = await chat("img-claude-off", [imagePart("image/png", big)]);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.deepEqual(anthropicImages(), [{ mediaType: "image/png", width: 3000, height: 1500 }]);
  });

  test("each limit is a 400 naming the field, and nothing reaches the provider", async () => {
    const before = anthropic.requests.length;
    const tiny = await png(10, 10);
    const cases: Array<[unknown[], RegExp]> = [
      [[imagePart("image/png", await png(8001, 10))], /8001×10 px; images larger than 8000×8000 px are refused/],
      [Array.from({ length: 21 }, (_, i) => imagePart("image/png", i === 7 ? "" : tiny)).map((p, i) => (i === 7 ? imagePart("image/png", "") : p)), /messages\[0\]\.content\[7\]/],
      [Array.from({ length: 101 }, () => imagePart("image/png", tiny)), /101 images; at most 100/],
      [[imagePart("image/tiff", (await sharp({ create: { width: 4, height: 4, channels: 3, background: "#000" } }).tiff().toBuffer()).toString("base64"))], /TIFF image; the supported formats are JPEG, PNG, GIF and WebP/],
      [[{ type: "image_url", image_url: { url: "https://example.com/cat.png" } }], /only data: URLs are supported/],
    ];
    const over2000 = await png(2001, 10);
    cases.push([[...Array.from({ length: 20 }, () => imagePart("image/png", tiny)), imagePart("image/png", over2000)], /2001×10 px; with more than 20 images in a request each may be at most 2000×2000 px/]);
    for (const [content, message] of cases) {
      const r = await chat("img-claude", content);
      assert.equal(r.status, 400, JSON.stringify(r.json).slice(0, 300));
      assert.ok(r.json["error"], "an OpenAI-shaped error");
      assert.match(String((r.json["error"] as Record<string, unknown> | undefined)?.["message"] ?? r.json["message"]), message);
    }
    assert.equal(anthropic.requests.length, before, "no refused request reached the provider");
    // The same 2000 px image with 20 images in all is fine.
    const ok = await chat("img-claude", [...Array.from({ length: 19 }, () => imagePart("image/png", tiny)), imagePart("image/png", await png(2000, 10))]);
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
  });
});

describe("the image token estimate: width × height / 750 after downscaling", () => {
  const within2 = (got: number, want: number) => assert.ok(Math.abs(got - want) / want <= 0.02, `${got} is not within 2% of ${want}`);
  const req = (b64: string) => ({ messages: [{ role: "user", content: [imagePart("image/png", b64)] }] });

  test("the seed's three figures (200×200 ≈ 54, 1000×1000 ≈ 1334, 1092×1092 ≈ 1590), read from real images", async () => {
    for (const [side, want] of [[200, 54], [1000, 1334], [1092, 1590]] as const) {
      const got = requestImageTokens(req(await png(side, side)));
      within2(got, want);
      assert.equal(got, want);
    }
    // After downscaling: a 3136×3136 image is sent at ~1095×1095, so it costs ~1600, not 13,000.
    within2(requestImageTokens(req(await png(3136, 3136))), 1600);
  });

  test("the limiter's up-front reservation counts pixels, not base64 characters", async () => {
    // Incompressible pixels (a xorshift sequence), so the PNG is megabytes of base64.
    const pixels = Buffer.alloc(1000 * 1000 * 3);
    let x = 2463534242;
    for (let i = 0; i < pixels.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      pixels[i] = x & 0xff;
    }
    const noisy = await sharp(pixels, { raw: { width: 1000, height: 1000, channels: 3 } }).png().toBuffer();
    const body = req(noisy.toString("base64"));
    assert.ok(noisy.length > 1_000_000, "a large payload");
    const est = promptTokenEstimate(body);
    assert.ok(est >= 1334 && est < 1334 + 50, `reservation ${est}`);
  });

  test("usage rows estimate image tokens when the provider reports none", async () => {
    const rec = { usage: undefined, response: { choices: [{ index: 0, message: { role: "assistant", content: "ok" } }] }, status: 200, task: "llm/v1/chat", request: req(await png(1092, 1092)) } as unknown as RequestRecord;
    const t = tokensOf(rec);
    assert.equal(t.estimated, true);
    assert.equal(t.input, 1590);
  });
});
