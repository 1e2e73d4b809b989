import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Entry } from "../directory.js";
import { readPatch } from "./patch.js";

const user: Entry = { id: "10", kind: "user", name: "ann", displayName: "Ann", active: true, entitlements: ["workspace-access"], externalId: null, createdAt: 0 };
const group: Entry = { ...user, id: "20", kind: "group", name: "team", displayName: "team" };
const ops = (...Operations: unknown[]) => ({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations });

describe("SCIM PATCH", () => {
  it("replaces attributes by path, without a path, and in any op case", () => {
    assert.deepEqual(readPatch("user", user, ops({ op: "Replace", path: "active", value: "False" })).entry, { active: false });
    assert.deepEqual(readPatch("user", user, ops({ op: "replace", value: { displayName: "A.", userName: "ann2" } })).entry, { displayName: "A.", name: "ann2" });
    assert.deepEqual(readPatch("group", group, ops({ op: "replace", path: "displayName", value: "crew" })).entry, { displayName: "crew", name: "crew" });
  });
  it("adds and removes entitlements, by value list and by filtered path", () => {
    const added = readPatch("user", user, ops({ op: "add", path: "entitlements", value: [{ value: "allow-endpoint-create" }] }));
    assert.deepEqual(added.entry.entitlements?.sort(), ["allow-endpoint-create", "workspace-access"]);
    const removed = readPatch("user", user, ops({ op: "remove", path: 'entitlements[value eq "workspace-access"]' }));
    assert.deepEqual(removed.entry.entitlements, []);
    assert.deepEqual(readPatch("user", user, ops({ op: "add", path: "entitlements", value: [{ value: "workspace-access" }] })).entry, {}, "no change, nothing to write");
  });
  it("adds, removes and replaces group members", () => {
    assert.deepEqual(readPatch("group", group, ops({ op: "add", path: "members", value: [{ value: "1" }, { value: "2" }] })).members, { add: ["1", "2"], remove: [] });
    assert.deepEqual(readPatch("group", group, ops({ op: "remove", path: 'members[value eq "3"]' })).members, { add: [], remove: ["3"] });
    assert.deepEqual(readPatch("group", group, ops({ op: "remove", path: "members", value: [{ value: "4" }] })).members, { add: [], remove: ["4"] });
    assert.deepEqual(readPatch("group", group, ops({ op: "replace", path: "members", value: [{ value: "5" }] })).members, { add: [], remove: [], replace: ["5"] });
    assert.deepEqual(readPatch("group", group, ops({ op: "add", value: { members: [{ value: "6" }] } })).members, { add: ["6"], remove: [] });
  });
  it("refuses what cannot change", () => {
    assert.throws(() => readPatch("user", user, ops({ op: "add", path: "members", value: [{ value: "1" }] })), /Only groups/);
    assert.throws(() => readPatch("service_principal", { ...user, kind: "service_principal" }, ops({ op: "replace", path: "applicationId", value: "x" })), /cannot be changed/);
    assert.throws(() => readPatch("user", user, ops({ op: "remove", path: "displayName" })), /cannot be removed/);
    assert.throws(() => readPatch("user", user, ops({ op: "move", path: "active", value: true })));
    assert.throws(() => readPatch("user", user, { Operations: [] }));
    assert.throws(() => readPatch("user", user, ops({ op: "replace", path: "active", value: "maybe" })), /true or false/);
  });
});
