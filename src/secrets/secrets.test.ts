import assert from "node:assert/strict";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Cipher } from "./crypto.js";
import { loadMasterKey, MasterKeyError, parseMasterKey } from "./master-key.js";
import { parseSecretRef } from "./references.js";

describe("encryption at rest", () => {
  const key = Buffer.alloc(32, 7);
  it("round-trips and binds the value to its context", () => {
    const c = new Cipher(key);
    const sealed = c.encrypt("sk-value", "secret:a/b");
    assert.ok(!sealed.includes("sk-value"));
    assert.equal(c.decrypt(sealed, "secret:a/b"), "sk-value");
    assert.notEqual(c.encrypt("sk-value", "secret:a/b"), sealed, "a fresh IV each time");
    assert.throws(() => c.decrypt(sealed, "secret:a/c"));
    assert.throws(() => new Cipher(Buffer.alloc(32, 8)).decrypt(sealed, "secret:a/b"));
  });
  it("parses keys as hex or base64 and rejects anything else", () => {
    assert.equal(parseMasterKey("ab".repeat(32)).length, 32);
    assert.equal(parseMasterKey(key.toString("base64")).length, 32);
    assert.throws(() => parseMasterKey("short"), MasterKeyError);
    assert.throws(() => parseMasterKey(Buffer.alloc(16).toString("base64")), MasterKeyError);
  });
  it("creates master.key 0600 on first start and never over data", () => {
    const dir = mkdtempSync(join(tmpdir(), "tessera-key-"));
    const first = loadMasterKey(dir, {});
    assert.equal(statSync(join(dir, "master.key")).mode & 0o777, 0o600);
    assert.deepEqual(loadMasterKey(dir, {}).key, first.key);
    assert.throws(() => loadMasterKey(mkdtempSync(join(tmpdir(), "tessera-key-")), {}, false), /No master key/);
    assert.throws(() => loadMasterKey(dir, { TESSERA_MASTER_KEY: "nope" }), /TESSERA_MASTER_KEY is not valid/);
  });
  it("parses secret references", () => {
    assert.deepEqual(parseSecretRef("{{secrets/my-scope/api_key}}"), { scope: "my-scope", key: "api_key" });
    assert.equal(parseSecretRef("sk-123"), undefined);
    assert.equal(parseSecretRef("{{secrets/a/b/c}}"), undefined);
  });
});
