/**
 * One list of cases every store must pass, run against SQLite and against the real
 * PostgreSQL at 127.0.0.1:5432 (`stores.test.ts`, each run in a fresh schema): the
 * repositories the gateway uses (secrets, tokens, principals, grants, OAuth secrets,
 * endpoints, usage rows and their queries), transactions and rollback, unique-constraint
 * errors mapped to the same Tessera errors, BIGINT times and JSON text round-tripping,
 * and two processes on one store (another "replica" opened on the same data) seeing each
 * other's changes through `refresh`/`resync`. Run alone, this file registers no tests.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, it } from "node:test";
import { Directory } from "../auth/directory.js";
import { IdentitySync } from "../auth/sync.js";
import { TokenService } from "../auth/tokens.js";
import { OAuthService } from "../auth/oauth.js";
import { EndpointService, trustedActor } from "../gateway/endpoint-service.js";
import { GatewayError } from "../gateway/errors.js";
import { LiveEndpoints } from "../gateway/live-endpoints.js";
import { Grants } from "../permissions/grants.js";
import { Cipher, MasterKeyError, SecretService } from "../secrets/index.js";
import { workspaceUsage } from "../usage/queries.js";
import { inferenceRows } from "../usage/inference-export.js";
import { isUniqueViolation, type Store } from "./index.js";

const silent = { warn() {}, error() {}, info() {} };
const KEY = randomBytes(32);
const HOUR = 3_600_000;

/** A custom (OpenAI-shaped) endpoint config; building it opens no connection. */
function config(url: string, token = "sk-case-plaintext") {
  return {
    served_entities: [
      { external_model: { name: "m", provider: "custom", task: "llm/v1/chat", custom_provider_config: { custom_provider_url: url, bearer_token_auth: { token_plaintext: token } } } },
    ],
  };
}

function code(err: unknown): string {
  return err instanceof GatewayError ? err.kind.code : `not a GatewayError: ${String(err)}`;
}

/** Runs two writes "at once": concurrently, or one after the other when the backend cannot in one process. */
function both<T>(parallel: boolean, x: () => Promise<T>, y: () => Promise<T>): Promise<Array<PromiseSettledResult<T>>> {
  if (parallel) return Promise.allSettled([x(), y()]);
  return (async () => [...(await Promise.allSettled([x()])), ...(await Promise.allSettled([y()]))])();
}

/**
 * `open` opens the store under test; called twice, both opens are on the same data
 * (two replicas). The first open runs the migrations. `parallelWriters: false` for
 * SQLite: two connections of one process cannot both hold write transactions (the
 * synchronous driver would wait on itself); replicas on one file are separate processes.
 */
export function storeCases(open: () => Promise<Store>, o: { parallelWriters: boolean; resentAppends: boolean }): void {
  let a: Store;
  let b: Store;
  before(async () => {
    a = await open();
    b = await open();
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  it("applies its migrations once: a second open applies none, and the bootstrap principals are there", async () => {
    assert.ok(a.applied.length >= 1);
    assert.deepEqual(b.applied, []);
    const p = await a.db.selectFrom("principals").select(["id", "name", "kind", "active"]).orderBy("id").execute();
    assert.deepEqual(p, [
      { id: "1", name: "admin", kind: "user", active: 1 },
      { id: "2", name: "admins", kind: "group", active: 1 },
    ]);
  });

  it("round-trips BIGINT times as numbers and JSON text byte for byte", async () => {
    const t = 1_733_100_000_123; // beyond 32 bits
    const json = JSON.stringify({ tags: [{ key: "k", value: "é ✓ \u{1F600} \"q\" \\ \n" }], n: 1.5, nil: null });
    await a.db.insertInto("endpoints").values({ id: "rt", name: "round-trip", creator: "c", creation_timestamp: t, last_updated_timestamp: t + 1, description: null, route_optimized: 0, tags: json, ai_gateway: null, config: "{}", config_version: 7 }).execute();
    const row = await b.db.selectFrom("endpoints").selectAll().where("id", "=", "rt").executeTakeFirstOrThrow();
    assert.equal(row.creation_timestamp, t);
    assert.equal(typeof row.creation_timestamp, "number");
    assert.equal(row.last_updated_timestamp, t + 1);
    assert.equal(row.config_version, 7);
    assert.equal(row.tags, json);
    assert.equal(row.description, null);
    await a.db.deleteFrom("endpoints").where("id", "=", "rt").execute();
  });

  it("rolls a failed transaction back whole", async () => {
    await assert.rejects(
      a.db.transaction().execute(async (tx) => {
        await tx.insertInto("secret_scopes").values({ name: "rollback-me", backend_type: "TESSERA", created_at: Date.now() }).execute();
        await tx.insertInto("secrets").values({ scope: "rollback-me", key: "k", ciphertext: "x", last_updated_timestamp: 1 }).execute();
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.equal(await b.db.selectFrom("secret_scopes").select("name").where("name", "=", "rollback-me").executeTakeFirst(), undefined);
    assert.equal(await b.db.selectFrom("secrets").select("key").where("scope", "=", "rollback-me").executeTakeFirst(), undefined);
  });

  it("reports a unique-constraint violation the same way on both drivers", async () => {
    await a.db.insertInto("meta").values({ key: "dup", value: "1" }).execute();
    const err: unknown = await a.db.insertInto("meta").values({ key: "dup", value: "2" }).execute().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isUniqueViolation(err), String(err));
    assert.equal(isUniqueViolation(new Error("other")), false);
  });

  it("secrets: scopes, values sealed at rest, list, delete; a second scope of one name is ALREADY_EXISTS; a wrong master key is refused", async () => {
    const sa = new SecretService(a.db, new Cipher(KEY));
    const sb = new SecretService(b.db, new Cipher(KEY));
    await sa.verifyMasterKey("the case store");
    await sb.verifyMasterKey("the case store");
    await assert.rejects(new SecretService(b.db, new Cipher(randomBytes(32))).verifyMasterKey("the case store"), (e: unknown) => e instanceof MasterKeyError && /the case store was sealed with/.test(e.message));
    await sa.createScope("case-scope");
    assert.equal(code(await sb.createScope("case-scope").catch((e: unknown) => e)), "ALREADY_EXISTS");
    // Two replicas racing past the existence check: the unique index decides, with the same error.
    const race = await both(o.parallelWriters, () => sa.createScope("race-scope"), () => sb.createScope("race-scope"));
    assert.equal(race.filter((r) => r.status === "fulfilled").length, 1);
    const lost = race.find((r) => r.status === "rejected");
    assert.equal(code(lost?.reason), "ALREADY_EXISTS");
    await sa.put("case-scope", "k1", { string_value: "v1 é" });
    await sa.put("case-scope", "k1", { string_value: "v2 é" });
    assert.equal(await sb.value("case-scope", "k1"), "v2 é");
    const raw = await b.db.selectFrom("secrets").select("ciphertext").where("scope", "=", "case-scope").executeTakeFirstOrThrow();
    assert.ok(!raw.ciphertext.includes("v2"));
    const listed = await sb.list("case-scope");
    assert.deepEqual(listed.map((s) => s.key), ["k1"]);
    assert.equal(typeof listed[0]?.last_updated_timestamp, "number");
    assert.equal(await sa.sealedSetting("case-setting", () => "first"), "first");
    assert.equal(await sb.sealedSetting("case-setting", () => "second"), "first");
    await sb.delete("case-scope", "k1");
    assert.equal(code(await sa.delete("case-scope", "k1").catch((e: unknown) => e)), "NOT_FOUND");
    await sa.deleteScope("case-scope");
    assert.deepEqual((await sb.listScopes()).map((s) => s.name), ["race-scope"]);
  });

  it("tokens: create, look up, list, get, delete — the other replica's cache forgets it on refresh", async () => {
    const ta = new TokenService(a.db);
    const tb = new TokenService(b.db);
    const { value, row } = await ta.create({ ownerId: "1", createdBy: "1", lifetimeSeconds: 3600, comment: "case" });
    assert.deepEqual(await tb.lookup(value), { tokenId: row.id, ownerId: "1" });
    const got = await tb.get(row.id);
    assert.equal(got?.expiry_time, row.expiry_time);
    assert.equal(typeof got?.creation_time, "number");
    assert.ok((await tb.list({ ownerId: "1" })).some((t) => t.id === row.id));
    assert.equal(await ta.delete(row.id), true);
    assert.equal(await ta.delete(row.id), false);
    tb.clearCache();
    assert.equal(await tb.lookup(value), undefined);
  });

  it("principals, memberships and grants: written by one replica, loaded by the other; a name taken meanwhile is ALREADY_EXISTS", async () => {
    const da = new Directory(a.db);
    const db2 = new Directory(b.db);
    await da.load();
    await db2.load();
    const u = await da.create("user", { name: "case-user@example.com", displayName: "Case", entitlements: ["allow-endpoint-create"] });
    const g = await da.create("group", { name: "case-group", displayName: "case-group" });
    await da.changeMembers(g.id, { add: [u.id] });
    // b has not loaded yet: its in-memory check passes, the store's unique index refuses.
    assert.equal(code(await db2.create("user", { name: "case-user@example.com", displayName: "Twice" }).catch((e: unknown) => e)), "ALREADY_EXISTS");
    await db2.load();
    assert.deepEqual(db2.get(u.id)?.entitlements, ["allow-endpoint-create"]);
    assert.deepEqual(db2.membersOf(g.id), [u.id]);
    const grants = new Grants<string>(a.db, "endpoint_acls");
    await grants.load();
    await grants.change("ep-1", new Map([[u.id, "CAN_QUERY"]]), false);
    const other = new Grants<string>(b.db, "endpoint_acls");
    await other.load();
    assert.equal(other.of("ep-1").get(u.id), "CAN_QUERY");
    await da.update(u.id, { active: false });
    await da.delete(u.id);
    await other.load();
    await db2.load();
    assert.equal(db2.get(u.id), undefined);
    assert.equal(other.of("ep-1").size, 0, "grants go with the principal");
    const oa = new OAuthService(a.db, da, 3600);
    const sp = await da.create("service_principal", { name: "", displayName: "sp" });
    const { info } = await oa.createSecret(sp.id);
    const ob = new OAuthService(b.db, db2, 3600);
    await ob.load();
    assert.deepEqual(ob.list(sp.id).map((s) => s.id), [info.id]);
    assert.equal(await oa.deleteSecret(sp.id, info.id), true);
  });

  it("identity changes stamp a version the other replica's refresh picks up", async () => {
    let reloads = 0;
    const sa = new IdentitySync(a.db, async () => {}, 60_000);
    const sb = new IdentitySync(b.db, async () => void reloads++, 60_000);
    await sa.start();
    await sb.start();
    reloads = 0;
    await sb.refresh();
    assert.equal(reloads, 0, "nothing changed");
    await sa.change(async () => {});
    await sb.refresh();
    assert.equal(reloads, 1);
  });

  it("endpoints: create, get, list, update, tags, AI gateway, delete — and another replica follows through refresh and resync", async () => {
    const secretsA = new SecretService(a.db, new Cipher(KEY));
    const secretsB = new SecretService(b.db, new Cipher(KEY));
    const liveA = new LiveEndpoints();
    const liveB = new LiveEndpoints();
    const ea = new EndpointService(a.db, secretsA, liveA, silent);
    const eb = new EndpointService(b.db, secretsB, liveB, silent);
    await ea.loadAll();
    await eb.loadAll();
    const actor = trustedActor("case");
    const created = await ea.create({ name: "case-ep", config: config("http://127.0.0.1:9/v1"), tags: [{ key: "t", value: "1" }] }, actor);
    assert.equal(created["name"], "case-ep");
    assert.equal(liveB.get("case-ep"), undefined);
    await eb.refresh("case-ep");
    assert.equal(liveB.get("case-ep")?.id, created["id"]);
    // Both replicas create the same name at once: exactly one wins, the other is ALREADY_EXISTS.
    const race = await both(
      o.parallelWriters,
      () => ea.create({ name: "race-ep", config: config("http://127.0.0.1:9/v1") }, actor),
      () => eb.create({ name: "race-ep", config: config("http://127.0.0.1:9/v1") }, actor),
    );
    assert.equal(race.filter((r) => r.status === "fulfilled").length, 1);
    assert.equal(code(race.find((r) => r.status === "rejected")?.reason), "ALREADY_EXISTS");
    await ea.updateConfig("case-ep", config("http://127.0.0.1:10/v1", "sk-case-rotated"), actor);
    await ea.patchTags("case-ep", { add_tags: [{ key: "u", value: "2" }] });
    await ea.putAiGateway("case-ep", { usage_tracking_config: { enabled: true } });
    const before = liveB.get("case-ep");
    await eb.resync();
    const after = liveB.get("case-ep");
    assert.notEqual(after, before, "rebuilt from the new row");
    assert.equal(after?.aiGateway?.usage_tracking_config?.enabled, true);
    const viewB = await eb.get("case-ep", actor);
    assert.equal((viewB["config"] as { config_version: number }).config_version, 2);
    assert.deepEqual(viewB["tags"], [{ key: "t", value: "1" }, { key: "u", value: "2" }]);
    assert.ok(!JSON.stringify(viewB).includes("sk-case-rotated"));
    const unchanged = liveB.get("case-ep");
    await eb.resync();
    assert.equal(liveB.get("case-ep"), unchanged, "an unchanged row is not rebuilt");
    assert.deepEqual((await eb.list(actor)).map((e) => e["name"]), ["case-ep", "race-ep"]);
    await ea.delete("case-ep");
    await eb.resync();
    assert.equal(liveB.get("case-ep"), undefined);
    assert.equal(await b.db.selectFrom("endpoint_credentials").select("id").where("endpoint_id", "=", String(created["id"])).executeTakeFirst(), undefined);
  });

  it("usage and inference rows: 600 appended in one batch from two replicas, summed by the queries, exported in order", async () => {
    const t0 = Date.UTC(2026, 0, 1);
    const usageCols = ["time", "endpoint_name", "endpoint_id", "served_entity", "requester", "requester_kind", "client_request_id", "request_id", "status_code", "error_code", "latency_ms", "input_tokens", "output_tokens", "cached_tokens", "reasoning_tokens", "estimated", "streamed", "rate_limited", "usage_context"];
    const row = (i: number) => ({ time: t0 + i * 1000, endpoint_name: i % 2 ? "odd" : "even", endpoint_id: "e", served_entity: null, requester: `u${i % 3}`, requester_kind: "user", client_request_id: null, request_id: `r${i}`, status_code: i % 10 === 0 ? 500 : 200, error_code: null, latency_ms: i, input_tokens: 2, output_tokens: 3, cached_tokens: 0, reasoning_tokens: 0, estimated: 0, streamed: 0, rate_limited: 0, usage_context: i === 0 ? '{"a":"é"}' : null });
    await Promise.all([
      a.append([{ table: "usage_records", columns: usageCols, rows: Array.from({ length: 300 }, (_, i) => row(i)) }]),
      b.append([{ table: "usage_records", columns: usageCols, rows: Array.from({ length: 300 }, (_, i) => row(300 + i)) }]),
    ]);
    const w = await workspaceUsage(b.db, { start: t0, end: t0 + HOUR, granularity: "minute" });
    assert.equal(w.totals.requests, 600);
    assert.equal(w.totals.errors, 60);
    assert.equal(w.totals.input_tokens, 1200);
    assert.equal(w.totals.p50_latency_ms, 299);
    assert.equal(w.totals.p99_latency_ms, 593);
    assert.deepEqual(w.by_endpoint.map((e) => [e.endpoint, e.requests]), [["even", 300], ["odd", 300]]);
    assert.deepEqual(w.by_requester.map((r) => r.requests), [200, 200, 200]);
    assert.equal(w.usage.length, 10);
    assert.equal(w.usage[0]?.bucket_start_ms, t0);
    const ctx = await a.db.selectFrom("usage_records").select("usage_context").where("request_id", "=", "r0").executeTakeFirstOrThrow();
    assert.equal(ctx.usage_context, '{"a":"é"}');
    const infCols = ["request_date", "databricks_request_id", "client_request_id", "request_time", "status_code", "execution_duration_ms", "request", "response", "served_entity_id", "logging_error_codes", "requester", "endpoint_name", "endpoint_id"];
    const inf = (i: number) => ({ request_date: "2026-01-01", databricks_request_id: `d${i}`, client_request_id: null, request_time: t0 + (i % 7), status_code: 200, execution_duration_ms: 1, request: '{"q":1}', response: null, served_entity_id: "m", logging_error_codes: "[]", requester: "u", endpoint_name: "inf", endpoint_id: "e" });
    await a.append([{ table: "inference_payloads", columns: infCols, rows: Array.from({ length: 450 }, (_, i) => inf(i)) }]);
    const out = [];
    for await (const r of inferenceRows(b.db, "inf", t0, t0 + HOUR)) out.push(r);
    assert.equal(out.length, 450);
    for (let i = 1; i < out.length; i++) assert.ok((out[i - 1]?.request_time ?? 0) <= (out[i]?.request_time ?? 0));
    assert.equal(out[0]?.request, '{"q":1}');
  });

  // Skipped where `resentAppends` is false (SQLite): its writes run in-process and either
  // commit or throw, so the writer never sends a committed batch again.
  it("an append sent again (its COMMIT answer lost) writes each row once", { skip: !o.resentAppends && "SQLite never resends a committed batch" }, async () => {
    const cols = ["time", "endpoint_name", "endpoint_id", "served_entity", "requester", "requester_kind", "client_request_id", "request_id", "status_code", "error_code", "latency_ms", "input_tokens", "output_tokens", "cached_tokens", "reasoning_tokens", "estimated", "streamed", "rate_limited", "usage_context"];
    const row = (i: number) => ({ time: 1, endpoint_name: "resend", endpoint_id: "e", served_entity: null, requester: "u", requester_kind: "user", client_request_id: null, request_id: `resend-${i}`, status_code: 200, error_code: null, latency_ms: 1, input_tokens: 1, output_tokens: 1, cached_tokens: 0, reasoning_tokens: 0, estimated: 0, streamed: 0, rate_limited: 0, usage_context: null });
    await a.append([{ table: "usage_records", columns: cols, rows: [row(0), row(1)] }]);
    // The resend carries the two rows again plus one that arrived meanwhile.
    await b.append([{ table: "usage_records", columns: cols, rows: [row(0), row(1), row(2)] }]);
    const n = await a.db.selectFrom("usage_records").select((e) => e.fn.countAll<number>().as("n")).where("endpoint_name", "=", "resend").executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 3);
  });

  it("an append the store refuses rejects, and none of its batch is written (one transaction)", async () => {
    const cols = ["time", "endpoint_name", "endpoint_id", "served_entity", "requester", "requester_kind", "client_request_id", "request_id", "status_code", "error_code", "latency_ms", "input_tokens", "output_tokens", "cached_tokens", "reasoning_tokens", "estimated", "streamed", "rate_limited", "usage_context"];
    const row = { time: 1, endpoint_name: "refused", endpoint_id: "e", served_entity: null, requester: "u", requester_kind: "user", client_request_id: null, request_id: "refused-0", status_code: 200, error_code: null, latency_ms: 1, input_tokens: 1, output_tokens: 1, cached_tokens: 0, reasoning_tokens: 0, estimated: 0, streamed: 0, rate_limited: 0, usage_context: null };
    await assert.rejects(a.append([
      { table: "usage_records", columns: cols, rows: [row] },
      { table: "no_such_table", columns: ["x"], rows: [{ x: 1 }] },
    ]), /no_such_table/);
    const n = await b.db.selectFrom("usage_records").select((e) => e.fn.countAll<number>().as("n")).where("endpoint_name", "=", "refused").executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 0);
    // The store goes on taking appends after a refused one.
    await a.append([{ table: "usage_records", columns: cols, rows: [row] }]);
    const m = await b.db.selectFrom("usage_records").select((e) => e.fn.countAll<number>().as("n")).where("endpoint_name", "=", "refused").executeTakeFirstOrThrow();
    assert.equal(Number(m.n), 1);
  });

  it("runs start-up work of two replicas one after the other under the store-wide lock", async () => {
    const events: string[] = [];
    const work = (s: Store, name: string) =>
      s.exclusive(async () => {
        events.push(`${name}+`);
        await new Promise((r) => setTimeout(r, 50));
        events.push(`${name}-`);
      });
    await Promise.all([work(a, "a"), work(b, "b")]);
    const joined = events.join(" ");
    assert.ok(joined === "a+ a- b+ b-" || joined === "b+ b- a+ a-", joined);
    assert.equal(await a.ping(), true);
  });
}
