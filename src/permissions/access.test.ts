import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ADMIN_ID, Directory } from "../auth/directory.js";
import { openSqlite, type Db } from "../store/index.js";
import { Access } from "./access.js";
import { Grants } from "./grants.js";
import type { EndpointLevel, ScopePermission } from "./levels.js";

describe("effective permissions", () => {
  let db: Db;
  let dir: Directory;
  let access: Access;
  let endpoints: Grants<EndpointLevel>;
  let scopes: Grants<ScopePermission>;

  before(async () => {
    db = await openSqlite(mkdtempSync(join(tmpdir(), "tessera-access-")));
    dir = new Directory(db);
    endpoints = new Grants<EndpointLevel>(db, "endpoint_acls");
    scopes = new Grants<ScopePermission>(db, "secret_acls");
    access = new Access(dir, endpoints, scopes, db);
    dir.onChange = endpoints.onChange = scopes.onChange = () => access.invalidate();
    await dir.load();
  });
  after(() => db.destroy());

  it("takes the highest grant of the principal and its groups, nested, and follows changes at once", async () => {
    const ann = await dir.create("user", { name: "ann", displayName: "Ann" });
    const inner = await dir.create("group", { name: "inner", displayName: "inner" });
    const outer = await dir.create("group", { name: "outer", displayName: "outer" });
    await dir.changeMembers(inner.id, { add: [ann.id] });
    await dir.changeMembers(outer.id, { add: [inner.id] });
    const p = () => dir.principal(ann.id) ?? assert.fail("no principal");
    assert.deepEqual(p().groups, ["inner", "outer"]);
    assert.equal(access.endpointLevel(p(), "e1"), undefined);
    await endpoints.change("e1", new Map([[ann.id, "CAN_VIEW"]]), false);
    assert.equal(access.endpointLevel(p(), "e1"), "CAN_VIEW");
    await endpoints.change("e1", new Map([[outer.id, "CAN_QUERY"]]), false);
    assert.equal(access.endpointLevel(p(), "e1"), "CAN_QUERY", "from the outer group, through the inner one");
    assert.doesNotThrow(() => access.requireQuery(p(), { id: "e1", name: "one" }));
    await dir.changeMembers(inner.id, { remove: [ann.id] });
    assert.equal(access.endpointLevel(p(), "e1"), "CAN_VIEW", "the cached level was dropped");
    assert.throws(() => access.requireQuery(p(), { id: "e1", name: "one" }), /Principal ann lacks CAN_QUERY on serving endpoint 'one'/);
    await endpoints.change("e1", new Map(), true);
    assert.throws(() => access.requireQuery(p(), { id: "e1", name: "one" }), /Endpoint with name 'one' does not exist/);
  });

  it("gives admins everything, and scope permissions nest READ ⊂ WRITE ⊂ MANAGE", async () => {
    const admin = dir.principal(ADMIN_ID) ?? assert.fail("no admin");
    assert.equal(admin.admin, true);
    assert.equal(access.endpointLevel(admin, "anything"), "CAN_MANAGE");
    assert.equal(access.scopePermission(admin, "any"), "MANAGE");
    const bo = await dir.create("user", { name: "bo", displayName: "Bo" });
    const p = dir.principal(bo.id) ?? assert.fail("no principal");
    assert.throws(() => access.requireScope(p, "s", "READ"), /Scope s does not exist/);
    await scopes.change("s", new Map([[bo.id, "WRITE"]]), false);
    assert.doesNotThrow(() => access.requireScope(p, "s", "READ"));
    assert.throws(() => access.requireScope(p, "s", "MANAGE"), /lacks MANAGE on secret scope 's'/);
    assert.throws(() => access.requireCreate(p, "serving endpoints"), /allow-endpoint-create/);
    await dir.update(bo.id, { entitlements: ["allow-endpoint-create"] });
    assert.doesNotThrow(() => access.requireCreate(p, "serving endpoints"));
  });

  it("loads the same state back from the store", async () => {
    const again = new Directory(db);
    const grants = new Grants<EndpointLevel>(db, "endpoint_acls");
    await again.load();
    await grants.load();
    const ann = again.find("user", "ANN") ?? assert.fail("ann not found");
    assert.equal(grants.of("e1").size, 0);
    assert.deepEqual(again.principal(ann.id)?.groups, []);
    assert.equal(again.find("group", "outer")?.kind, "group");
  });
});
