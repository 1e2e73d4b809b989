/**
 * Which budgets a request draws from: the `ai_gateway.rate_limits` entries of the
 * endpoint, resolved for one caller into buckets. The rules (docs/rate-limits.md):
 *
 * 1. `endpoint` entries always apply: one budget for all callers.
 * 2. Entries that name the caller (`principal` = its user name or application id, with
 *    `key` `user` / `service_principal` matching its kind, or no key) apply, and then
 *    nothing of 3 and 4 does: an individual limit overrides group and default limits.
 * 3. Otherwise, for each group the caller is in: the entries naming that group, or else
 *    the generic `user_group` entries — one budget per group, shared by its members.
 *    The caller must fit in every one of its groups' budgets.
 * 4. Otherwise the default per-caller entries: generic `user` for users, generic
 *    `service_principal` for service principals; skipped when an entry named one of the
 *    caller's groups (a custom limit overrides the default, as in Databricks).
 *
 * An entry without `key` is an `endpoint` entry, or, with a `principal`, an entry for the
 * user, service principal or group of that name. Admins are not exempt.
 */
import type { Principal } from "../auth/principal.js";
import type { AiGatewayConfig } from "../config/ai-gateway.js";

export type RateLimitEntry = NonNullable<AiGatewayConfig["rate_limits"]>[number];
export type Dimension = "calls" | "tokens";

/** Who shares a budget, for the message of a 429. */
export type Scope = { kind: "endpoint" } | { kind: "user" | "service_principal" | "user_group"; name: string };

export interface Bucket {
  /** Store key: unique per endpoint, dimension, limit and scope. */
  key: string;
  dim: Dimension;
  /** Units per minute. */
  limit: number;
  scope: Scope;
}

/** An entry normalised once per config, so the hot path only matches names. */
interface Rule {
  key: "endpoint" | "user" | "service_principal" | "user_group" | "named";
  principal: string | undefined;
  calls: number | undefined;
  tokens: number | undefined;
}

interface Compiled {
  endpoint: Rule[];
  /** Entries with a principal, by that principal. */
  named: Map<string, Rule[]>;
  user: Rule[];
  servicePrincipal: Rule[];
  userGroup: Rule[];
}

const compiled = new WeakMap<readonly RateLimitEntry[], Compiled>();

function compile(entries: readonly RateLimitEntry[]): Compiled {
  const c: Compiled = { endpoint: [], named: new Map(), user: [], servicePrincipal: [], userGroup: [] };
  for (const e of entries) {
    if (e.calls === undefined && e.tokens === undefined) continue;
    const key = e.key ?? (e.principal === undefined ? "endpoint" : "named");
    const rule: Rule = { key, principal: e.principal, calls: e.calls, tokens: e.tokens };
    // An endpoint budget is everyone's: a principal on it would change nothing.
    if (key === "endpoint") c.endpoint.push(rule);
    else if (e.principal !== undefined) {
      const list = c.named.get(e.principal) ?? [];
      list.push(rule);
      c.named.set(e.principal, list);
    } else if (key === "user") c.user.push(rule);
    else if (key === "service_principal") c.servicePrincipal.push(rule);
    else c.userGroup.push(rule);
  }
  return c;
}

function compiledOf(entries: readonly RateLimitEntry[]): Compiled {
  let c = compiled.get(entries);
  if (!c) {
    c = compile(entries);
    compiled.set(entries, c);
  }
  return c;
}

function scopeKey(s: Scope): string {
  switch (s.kind) {
    case "endpoint":
      return "endpoint";
    case "user":
      return `u:${s.name}`;
    case "service_principal":
      return `sp:${s.name}`;
    case "user_group":
      return `g:${s.name}`;
  }
}

/**
 * The buckets a caller draws from on an endpoint, without duplicates.
 *
 * @example
 *   selectBuckets("chat", [{ calls: 3, key: "endpoint", renewal_period: "minute" }], alice)
 *   // [{ key: "{chat}:calls:3:endpoint", dim: "calls", limit: 3, scope: { kind: "endpoint" } }]
 */
export function selectBuckets(endpoint: string, entries: readonly RateLimitEntry[], caller: Principal): Bucket[] {
  const c = compiledOf(entries);
  const out: Bucket[] = [];
  const seen = new Set<string>();
  const add = (rule: Rule, scope: Scope) => {
    for (const dim of ["calls", "tokens"] as const) {
      const limit = rule[dim];
      if (limit === undefined) continue;
      // The hash tag keeps all of an endpoint's keys in one Redis Cluster slot.
      const key = `{${endpoint}}:${dim}:${limit}:${scopeKey(scope)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ key, dim, limit, scope });
    }
  };

  for (const r of c.endpoint) add(r, { kind: "endpoint" });

  const self: Scope = { kind: caller.kind, name: caller.name };
  const own = c.named.get(caller.name)?.filter((r) => r.key === "named" || r.key === caller.kind);
  if (own?.length) {
    for (const r of own) add(r, self);
    return out;
  }

  let namedGroup = false;
  for (const g of caller.groups) {
    const forGroup = c.named.get(g)?.filter((r) => r.key === "named" || r.key === "user_group");
    const scope: Scope = { kind: "user_group", name: g };
    if (forGroup?.length) {
      namedGroup = true;
      for (const r of forGroup) add(r, scope);
    } else for (const r of c.userGroup) add(r, scope);
  }
  if (namedGroup) return out;

  for (const r of caller.kind === "user" ? c.user : c.servicePrincipal) add(r, self);
  return out;
}
