// Google OAuth access tokens from a service-account key, against the mock's /token (which
// verifies the signed JWT assertion).
// Run: node --import tsx --test src/providers/google-cloud-vertex-ai/token-source.test.ts
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, test } from "node:test";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { ERROR_KINDS } from "../../gateway/errors.js";
import { gatewayError } from "../../../testing/provider-test-helpers.js";
import { isTokenRequest, startMockVertex, type MockVertex } from "../../../testing/mocks/google-cloud-vertex-ai/index.js";
import { parseServiceAccountKey } from "./config.js";
import { CLOUD_PLATFORM_SCOPE, GoogleTokenSource } from "./token-source.js";

let mock: MockVertex;
let now = Date.now();
const clock = () => now;

function source(over: Record<string, unknown> = {}): GoogleTokenSource {
  const raw = JSON.stringify({ ...mock.serviceAccountKey(), ...over });
  return new GoogleTokenSource(parseServiceAccountKey(raw), raw, clock);
}

const tokenFetches = () => mock.requests.filter(isTokenRequest).length;

before(async () => {
  mock = await startMockVertex();
});
after(() => mock.close());
beforeEach(() => {
  mock.reset();
  mock.settings.expiresIn = 3599;
  mock.settings.tokenError = undefined;
  now = Date.now();
});

describe("GoogleTokenSource", () => {
  test("signs the JWT Google expects and posts it form-encoded to the key's token_uri", async () => {
    const token = await source().get();
    assert.equal(token, mock.issuedTokens.at(-1));
    const req = mock.last();
    assert.equal(req.path, "/token");
    assert.equal(req.headers["content-type"], "application/x-www-form-urlencoded");
    const form = new URLSearchParams(req.raw.toString("utf8"));
    assert.equal(form.get("grant_type"), "urn:ietf:params:oauth:grant-type:jwt-bearer");
    const jwt = form.get("assertion") ?? "";
    const claims = decodeJwt(jwt);
    const key = mock.serviceAccountKey();
    assert.deepEqual(
      { iss: claims.iss, aud: claims.aud, scope: claims["scope"], life: (claims.exp ?? 0) - (claims.iat ?? 0) },
      { iss: key.client_email, aud: key.token_uri, scope: CLOUD_PLATFORM_SCOPE, life: 3600 },
    );
    assert.deepEqual(decodeProtectedHeader(jwt), { alg: "RS256", typ: "JWT", kid: key.private_key_id });
  });

  test("caches the token while it is valid", async () => {
    const s = source();
    const a = await s.get();
    now += 30 * 60_000;
    assert.equal(await s.get(), a);
    assert.equal(tokenFetches(), 1);
  });

  test("fetches a new token once less than five minutes remain", async () => {
    const s = source();
    const a = await s.get();
    now += 3599_000 - 4 * 60_000;
    const b = await s.get();
    assert.notEqual(b, a);
    assert.equal(tokenFetches(), 2);
  });

  test("concurrent callers share one fetch", async () => {
    const s = source();
    const tokens = await Promise.all(Array.from({ length: 8 }, () => s.get()));
    assert.equal(new Set(tokens).size, 1);
    assert.equal(tokenFetches(), 1);
  });

  test("invalidate drops the cached token (only if it is still the cached one)", async () => {
    const s = source();
    const a = await s.get();
    s.invalidate("some-older-token");
    assert.equal(await s.get(), a);
    s.invalidate(a);
    assert.notEqual(await s.get(), a);
    assert.equal(tokenFetches(), 2);
  });

  test("a refusal by the token endpoint is the entity's credentials rejected (400, never the caller's 401), leaks neither key nor assertion, and is not cached", async () => {
    mock.settings.tokenError = { status: 400, error: "invalid_grant", description: "Invalid JWT Signature." };
    const s = source();
    const err = await gatewayError(s.get());
    assert.equal(err.status, 400);
    assert.equal(err.kind, ERROR_KINDS.UPSTREAM_CREDENTIALS_REJECTED);
    assert.match(err.message, /invalid_grant: Invalid JWT Signature\./);
    const assertion = new URLSearchParams(mock.last().raw.toString("utf8")).get("assertion") ?? "";
    const text = err.message + JSON.stringify(err.upstream ?? {});
    assert.ok(!text.includes(assertion));
    assert.ok(!text.includes("PRIVATE KEY"));
    mock.settings.tokenError = undefined;
    assert.ok(await s.get());
    assert.equal(tokenFetches(), 2);
  });

  test("an endpoint that echoes the assertion and the key has them scrubbed", async () => {
    let assertion = "";
    const echo = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        assertion = new URLSearchParams(Buffer.concat(chunks).toString("utf8")).get("assertion") ?? "";
        const pem = mock.serviceAccountKey().private_key;
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "invalid_request", error_description: `bad ${assertion} for ${pem}` }));
      });
    });
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
    try {
      const err = await gatewayError(source({ token_uri: `http://127.0.0.1:${(echo.address() as AddressInfo).port}/token` }).get());
      assert.equal(err.kind, ERROR_KINDS.UPSTREAM_CREDENTIALS_REJECTED);
      const text = err.message + JSON.stringify(err.upstream ?? {});
      assert.ok(assertion.length > 100);
      assert.ok(!text.includes(assertion));
      assert.ok(!text.includes("PRIVATE KEY"), text);
      assert.match(text, /\[REDACTED\]/);
    } finally {
      await new Promise<void>((r) => echo.close(() => r()));
    }
  });

  test("a token endpoint that cannot be reached is a 503", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) => closed.close(() => r()));
    const err = await gatewayError(source({ token_uri: `http://127.0.0.1:${port}/token` }).get());
    assert.equal(err.status, 503);
    assert.match(err.message, /Could not get a Google access token/);
  });

  test("a token reply without an access_token is a 502", async () => {
    const odd = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
    await new Promise<void>((r) => odd.listen(0, "127.0.0.1", r));
    try {
      const err = await gatewayError(source({ token_uri: `http://127.0.0.1:${(odd.address() as AddressInfo).port}/token` }).get());
      assert.equal(err.status, 502);
    } finally {
      await new Promise<void>((r) => odd.close(() => r()));
    }
  });
});
