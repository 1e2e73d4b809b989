import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileFilter } from "./filter.js";

const ann = { userName: "Ann@Example.com", displayName: "Ann", active: true, emails: [{ value: "ann@example.com" }], groups: [{ value: "7", display: "admins" }] };
const bob = { userName: "bob", displayName: "Bob B", active: false, groups: [] };

describe("SCIM filters", () => {
  it("matches eq case-insensitively on attribute names and string values", () => {
    assert.equal(compileFilter('userName eq "ann@example.com"')(ann), true);
    assert.equal(compileFilter('USERNAME Eq "ann@example.com"')(ann), true);
    assert.equal(compileFilter('userName eq "bob"')(ann), false);
  });
  it("handles co, sw, ew, ne, pr, booleans, sub-attributes and multi-valued attributes", () => {
    assert.equal(compileFilter('displayName co "b b"')(bob), true);
    assert.equal(compileFilter('userName sw "ann"')(ann), true);
    assert.equal(compileFilter('userName ew ".com"')(ann), true);
    assert.equal(compileFilter('displayName ne "Ann"')(ann), false);
    assert.equal(compileFilter("emails pr")(ann), true);
    assert.equal(compileFilter("emails pr")(bob), false);
    assert.equal(compileFilter("active eq false")(bob), true);
    assert.equal(compileFilter('emails.value eq "ann@example.com"')(ann), true);
    assert.equal(compileFilter('groups.display eq "admins"')(ann), true);
  });
  it("joins terms with and / or, and binding tighter", () => {
    const f = compileFilter('userName eq "bob" or displayName eq "Ann" and active eq true');
    assert.equal(f(ann), true);
    assert.equal(f(bob), true);
    assert.equal(compileFilter('userName eq "bob" and active eq true')(bob), false);
  });
  it("matches everything without a filter and refuses what it cannot read", () => {
    assert.equal(compileFilter(undefined)(bob), true);
    assert.equal(compileFilter("  ")(bob), true);
    for (const bad of ["userName eq", 'userName xx "a"', 'userName eq "a" and', 'userName eq "unterminated', "(userName eq \"a\")"]) {
      assert.throws(() => compileFilter(bad), /Unsupported SCIM filter/, bad);
    }
  });
});
