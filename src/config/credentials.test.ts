import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { extractCredentials, redactStoredBlock, REDACTED, withStoredCredentials } from "./credentials.js";

describe("credential fields", () => {
  const fields = ["api_key", "auth.token"];
  it("extracts references, plaintext, stored ids and the redacted marker", () => {
    const { rest, credentials, issues } = extractCredentials(
      { base: "http://x", api_key: "{{secrets/s/k}}", auth: { token_plaintext: "tok" } },
      fields,
      "cfg",
    );
    assert.deepEqual(issues, []);
    assert.deepEqual(rest, { base: "http://x", auth: {} });
    assert.deepEqual(credentials.get("api_key"), { kind: "ref", ref: { scope: "s", key: "k" } });
    assert.deepEqual(credentials.get("auth.token"), { kind: "plaintext", value: "tok" });
    const kept = extractCredentials({ api_key_plaintext: REDACTED }, fields, "cfg");
    assert.deepEqual(kept.credentials.get("api_key"), { kind: "keep" });
    const stored = extractCredentials({ api_key_plaintext: { $credential: "id1" } }, fields, "cfg");
    assert.deepEqual(stored.credentials.get("api_key"), { kind: "stored", id: "id1" });
  });
  it("names the field at fault", () => {
    assert.equal(extractCredentials({ api_key: "sk-raw" }, fields, "cfg").issues[0]?.field, "cfg.api_key");
    assert.match(extractCredentials({ api_key: "{{secrets/s/k}}", api_key_plaintext: "x" }, fields, "cfg").issues[0]?.message ?? "", /not both/);
    assert.equal(extractCredentials({ api_key_plaintext: 5 }, fields, "cfg").issues[0]?.field, "cfg.api_key_plaintext");
  });
  it("writes stored forms and redacts them for output", () => {
    const stored = withStoredCredentials({ auth: {} }, new Map([["api_key", { scope: "s", key: "k" }], ["auth.token", { credentialId: "c1" }]]));
    assert.deepEqual(stored, { auth: { token_plaintext: { $credential: "c1" } }, api_key: "{{secrets/s/k}}" });
    assert.deepEqual(redactStoredBlock(stored, fields), { auth: { token_plaintext: REDACTED }, api_key: "{{secrets/s/k}}" });
  });
});
