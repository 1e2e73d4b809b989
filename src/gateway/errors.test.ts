import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { ERROR_KINDS, kindForStatus } from "./errors.js";

describe("error registry", () => {
  it("is documented row for row in docs/errors.md", () => {
    const doc = readFileSync(new URL("../../docs/errors.md", import.meta.url), "utf8");
    for (const k of Object.values(ERROR_KINDS)) {
      const row = `| \`${k.code}\` | ${k.status} | \`${k.errorCode}\` | \`${k.openaiType}\` |`;
      assert.ok(doc.includes(row), `docs/errors.md lacks: ${row}`);
    }
    const rows = doc.split("\n").filter((l) => /^\| `[A-Z_]+` \| \d{3} \|/.test(l));
    assert.equal(rows.length, Object.keys(ERROR_KINDS).length, "no stale rows in the docs");
  });
  it("maps upstream statuses to Databricks codes", () => {
    assert.equal(kindForStatus(429).errorCode, "REQUEST_LIMIT_EXCEEDED");
    assert.equal(kindForStatus(404).errorCode, "UPSTREAM_MODEL_NOT_FOUND");
    assert.equal(kindForStatus(401).code, "UPSTREAM_CREDENTIALS_REJECTED", "an upstream 401 is never the caller's own UNAUTHENTICATED");
    assert.equal(kindForStatus(403).code, "UPSTREAM_CREDENTIALS_REJECTED");
    assert.equal(kindForStatus(529).errorCode, "INTERNAL_ERROR");
    assert.equal(kindForStatus(418).errorCode, "BAD_REQUEST");
  });
});
