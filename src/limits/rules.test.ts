import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Principal } from "../auth/principal.js";
import { selectBuckets, type RateLimitEntry } from "./rules.js";

function user(name: string, groups: string[] = [], admin = false): Principal {
  return { id: name, kind: "user", name, displayName: name, groups, admin };
}
function sp(name: string, groups: string[] = []): Principal {
  return { id: name, kind: "service_principal", name, displayName: name, groups, admin: false };
}
const m = "minute" as const;

/** The buckets as short strings: `dim limit scope`. */
function sel(entries: RateLimitEntry[], caller: Principal): string[] {
  return selectBuckets("ep", entries, caller).map((b) => `${b.dim} ${b.limit} ${b.scope.kind === "endpoint" ? "endpoint" : `${b.scope.kind}:${b.scope.name}`}`);
}

describe("rate-limit key selection", () => {
  it("an endpoint entry is one budget for everyone; no key means endpoint", () => {
    const entries: RateLimitEntry[] = [{ calls: 5, key: "endpoint", renewal_period: m }, { tokens: 100, renewal_period: m }];
    assert.deepEqual(sel(entries, user("alice")), ["calls 5 endpoint", "tokens 100 endpoint"]);
    assert.deepEqual(sel(entries, sp("app-1")), ["calls 5 endpoint", "tokens 100 endpoint"]);
    const [a] = selectBuckets("ep", entries, user("alice"));
    const [b] = selectBuckets("ep", entries, sp("app-1"));
    assert.equal(a?.key, b?.key, "the same bucket for both");
  });

  it("calls and tokens on one entry are two budgets", () => {
    assert.deepEqual(sel([{ calls: 2, tokens: 50, key: "user", renewal_period: m }], user("alice")), ["calls 2 user:alice", "tokens 50 user:alice"]);
  });

  it("user applies to users, service_principal to service principals, each its own budget", () => {
    const entries: RateLimitEntry[] = [
      { calls: 10, key: "user", renewal_period: m },
      { calls: 20, key: "service_principal", renewal_period: m },
    ];
    assert.deepEqual(sel(entries, user("alice")), ["calls 10 user:alice"]);
    assert.deepEqual(sel(entries, user("bob")), ["calls 10 user:bob"]);
    assert.deepEqual(sel(entries, sp("app-1")), ["calls 20 service_principal:app-1"]);
    assert.deepEqual(sel([{ calls: 10, key: "user", renewal_period: m }], sp("app-1")), [], "a user limit does not apply to a service principal");
    assert.notEqual(selectBuckets("ep", entries, user("alice"))[0]?.key, selectBuckets("ep", entries, user("bob"))[0]?.key);
  });

  it("admins are not exempt", () => {
    assert.deepEqual(sel([{ calls: 1, key: "user", renewal_period: m }], user("admin", ["admins"], true)), ["calls 1 user:admin"]);
  });

  it("an entry naming the caller overrides the default and group entries", () => {
    const entries: RateLimitEntry[] = [
      { calls: 5, key: "endpoint", renewal_period: m },
      { calls: 10, key: "user", renewal_period: m },
      { calls: 100, key: "user", principal: "alice", renewal_period: m },
      { calls: 50, key: "user_group", principal: "team", renewal_period: m },
      { calls: 30, key: "user_group", renewal_period: m },
    ];
    assert.deepEqual(sel(entries, user("alice", ["team"])), ["calls 5 endpoint", "calls 100 user:alice"]);
    assert.deepEqual(sel(entries, user("bob", ["team"])), ["calls 5 endpoint", "calls 50 user_group:team"], "a named group overrides the user default");
    assert.deepEqual(sel(entries, user("carol", ["other"])), ["calls 5 endpoint", "calls 30 user_group:other", "calls 10 user:carol"], "generic group and default both apply");
    assert.deepEqual(sel(entries, user("dave")), ["calls 5 endpoint", "calls 10 user:dave"]);
  });

  it("a named entry matches only its kind: a user entry does not apply to a service principal of that name", () => {
    const entries: RateLimitEntry[] = [
      { calls: 3, key: "user", principal: "x", renewal_period: m },
      { calls: 4, key: "service_principal", principal: "app-1", renewal_period: m },
      { calls: 9, key: "service_principal", renewal_period: m },
    ];
    assert.deepEqual(sel(entries, sp("x")), ["calls 9 service_principal:x"]);
    assert.deepEqual(sel(entries, sp("app-1")), ["calls 4 service_principal:app-1"]);
    assert.deepEqual(sel(entries, user("app-1")), [], "a service-principal entry does not apply to a user of that name");
  });

  it("a group budget is shared by its members, and a member of several groups draws from each", () => {
    const entries: RateLimitEntry[] = [{ calls: 7, key: "user_group", renewal_period: m }];
    const a = selectBuckets("ep", entries, user("alice", ["g1", "g2"]));
    const b = selectBuckets("ep", entries, user("bob", ["g2"]));
    assert.deepEqual(a.map((x) => x.scope), [{ kind: "user_group", name: "g1" }, { kind: "user_group", name: "g2" }]);
    assert.equal(a[1]?.key, b[0]?.key, "alice and bob share g2's budget");
    assert.deepEqual(sel(entries, user("loner")), [], "no group, no group budget");
    assert.deepEqual(sel(entries, sp("app-1", ["g1"])), ["calls 7 user_group:g1"], "service principals in a group share it too");
  });

  it("a named group entry overrides the generic group entry for that group only", () => {
    const entries: RateLimitEntry[] = [
      { calls: 7, key: "user_group", renewal_period: m },
      { calls: 70, key: "user_group", principal: "big", renewal_period: m },
    ];
    assert.deepEqual(sel(entries, user("alice", ["big", "small"])), ["calls 70 user_group:big", "calls 7 user_group:small"]);
  });

  it("an entry with a principal and no key names a user, service principal or group of that name", () => {
    const entries: RateLimitEntry[] = [
      { calls: 2, principal: "alice", renewal_period: m },
      { calls: 3, principal: "app-1", renewal_period: m },
      { calls: 4, principal: "team", renewal_period: m },
    ];
    assert.deepEqual(sel(entries, user("alice", ["team"])), ["calls 2 user:alice"]);
    assert.deepEqual(sel(entries, sp("app-1")), ["calls 3 service_principal:app-1"]);
    assert.deepEqual(sel(entries, user("bob", ["team"])), ["calls 4 user_group:team"]);
    assert.deepEqual(sel(entries, user("carol")), []);
  });

  it("ignores a principal on an endpoint entry, entries without calls or tokens, and duplicates", () => {
    const entries: RateLimitEntry[] = [
      { calls: 5, key: "endpoint", principal: "alice", renewal_period: m },
      { key: "user", renewal_period: m },
      { calls: 5, key: "endpoint", renewal_period: m },
    ];
    assert.deepEqual(sel(entries, user("bob")), ["calls 5 endpoint"]);
  });

  it("keys differ by endpoint, dimension, limit and scope, and keep an endpoint's keys in one Redis slot", () => {
    const e: RateLimitEntry[] = [{ calls: 5, tokens: 5, key: "user", renewal_period: m }];
    const keys = [
      ...selectBuckets("a", e, user("u")),
      ...selectBuckets("b", e, user("u")),
      ...selectBuckets("a", [{ calls: 6, key: "user", renewal_period: m }], user("u")),
      ...selectBuckets("a", e, sp("u")),
    ].map((b) => b.key);
    assert.equal(new Set(keys).size, keys.length, keys.join(" "));
    for (const k of selectBuckets("a", e, user("u"))) assert.ok(k.key.startsWith("{a}:"));
  });

  it("compiles an entry list once (the same array gives the same answer, a new one its own)", () => {
    const e: RateLimitEntry[] = [{ calls: 1, key: "user", renewal_period: m }];
    assert.deepEqual(sel(e, user("a")), sel(e, user("a")));
    assert.deepEqual(sel([{ calls: 2, key: "user", renewal_period: m }], user("a")), ["calls 2 user:a"]);
  });
});
