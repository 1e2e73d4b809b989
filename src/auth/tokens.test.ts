import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqlite, type Db } from "../store/index.js";
import { ADMIN_ID } from "./directory.js";
import { hashToken, TokenService } from "./tokens.js";

describe("personal access tokens", () => {
  let db: Db;
  let tokens: TokenService;
  before(async () => {
    db = await openSqlite(mkdtempSync(join(tmpdir(), "tessera-tokens-")));
    tokens = new TokenService(db);
  });
  after(() => db.destroy());

  it("stores only the hash and finds the owner by the value", async () => {
    const { value, row } = await tokens.create({ ownerId: ADMIN_ID, createdBy: ADMIN_ID, comment: "c" });
    const stored = await db.selectFrom("tokens").selectAll().where("id", "=", row.id).executeTakeFirstOrThrow();
    assert.equal(stored.token_hash, hashToken(value));
    assert.ok(!JSON.stringify(stored).includes(value));
    assert.deepEqual(await tokens.lookup(value), { tokenId: row.id, ownerId: ADMIN_ID });
    assert.equal(await tokens.lookup(`${value}x`), undefined);
  });

  it("forgets a deleted token at once, even one in the cache", async () => {
    const { value, row } = await tokens.create({ ownerId: ADMIN_ID, createdBy: ADMIN_ID });
    assert.ok(await tokens.lookup(value));
    assert.equal(await tokens.delete(row.id), true);
    assert.equal(await tokens.lookup(value), undefined);
    assert.equal(await tokens.delete(row.id), false);
  });

  it("does not cache what it read while a token was being evicted", async () => {
    const { value, row } = await tokens.create({ ownerId: ADMIN_ID, createdBy: ADMIN_ID });
    const reading = tokens.lookup(value); // reads the store…
    tokens.evict(row.id); // …while a revocation lands
    assert.ok(await reading, "the request that was in flight may pass");
    await db.deleteFrom("tokens").where("id", "=", row.id).execute();
    assert.equal(await tokens.lookup(value), undefined, "what it read was not cached");
  });

  it("honours the expiry time to the millisecond, cached or not", async () => {
    const { value } = await tokens.create({ ownerId: ADMIN_ID, createdBy: ADMIN_ID, lifetimeSeconds: 1 });
    assert.ok(await tokens.lookup(value));
    await new Promise((r) => setTimeout(r, 1050));
    assert.equal(await tokens.lookup(value), undefined);
  });
});
