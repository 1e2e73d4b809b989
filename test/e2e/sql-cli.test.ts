/**
 * `tessera sql` as a user runs it: the built CLI binary (node bin/tessera.js sql …) against a
 * gateway in this process and the echo mock. DuckDB runs in the CLI, reading a file outside
 * any gateway sandbox; each AI call is an HTTP request to the gateway with the user's token.
 * Output as a table, CSV and JSON Lines on stdout, and Parquet/CSV/JSONL files; progress lines
 * with the row total; errors, a CAN_VIEW-only token, bad flags, and Ctrl-C cancelling calls.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { startEchoMock } from "../../testing/mocks/echo/index.js";
import type { MockServer } from "../../testing/mocks/mock-server.js";
import { BIN, runCli, tempDir } from "../helpers/gateway-process.js";
import { bearer, Client } from "../helpers/http.js";

const ADMIN = "sql-cli-admin-token-0123456";
type Obj = Record<string, unknown>;

describe("tessera sql (the CLI binary)", () => {
  let rt: Runtime;
  let mock: MockServer;
  let api: Client;
  const files = tempDir("tessera-sqlcli-");

  const sql = (args: string[], token = ADMIN, env: NodeJS.ProcessEnv = {}) => runCli(["sql", ...args, "--host", rt.url], { TESSERA_TOKEN: token, ...env });
  const create = async (name: string, task: string) => {
    const r = await api.call("POST", "/api/2.0/serving-endpoints", {
      name,
      config: { served_entities: [{ external_model: { name: "echo", provider: "custom", task, custom_provider_config: { custom_provider_url: `${mock.url}/v1`, bearer_token_auth: { token_plaintext: "sk-mock" } } } }] },
    });
    assert.equal(r.status, 200, r.text);
    return (r.json as Obj)["id"] as string;
  };

  before(async () => {
    mock = await startEchoMock({ latencyMs: 2 });
    rt = await startRuntime({ port: 0, dataDir: tempDir(), env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "300" } });
    api = new Client(rt.url, bearer(ADMIN));
    await create("chat", "llm/v1/chat");
    await create("emb", "llm/v1/embeddings");
    writeFileSync(join(files, "reviews.csv"), "id,review\n1,great food\n2,bad service\n3,love it\n");
  });
  after(async () => {
    await rt?.close();
    await mock?.close();
  });

  it("reads a local file and prints the result as a table, CSV or JSON Lines", async () => {
    const q = `SELECT id, ai_query('chat', review) AS answer FROM read_csv('${files}/reviews.csv') ORDER BY id`;
    const table = await sql([q, "--format", "table"]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /\| id +\| answer +\|/);
    assert.match(table.stdout, /\| 2 +\| echo: bad service \|/);
    assert.match(table.stderr, /3 rows in \d+s \(3 AI rows, 3 calls, 0 errors, 0 waits on 429\)/);
    const csv = await sql([q]);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(csv.stdout, "id,answer\n1,echo: great food\n2,echo: bad service\n3,echo: love it\n");
    const jsonl = await sql([q, "--format", "jsonl"]);
    assert.deepEqual(JSON.parse(jsonl.stdout.split("\n")[0] ?? ""), { id: "1", answer: "echo: great food" });
  });

  it("reads the statement from stdin and relative paths from the working directory", async () => {
    const child = spawn(process.execPath, [BIN, "sql", "-f", "-", "--host", rt.url], { cwd: files, env: { PATH: process.env["PATH"], TESSERA_TOKEN: ADMIN }, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stdin.end("SELECT count(*) AS n FROM read_csv('reviews.csv');\n");
    assert.equal(await new Promise((r) => child.once("exit", r)), 0);
    assert.equal(out, "n\n3\n");
  });

  it("writes 2,500 embeddings to Parquet with progress lines that know the total, then reads them back", async () => {
    const out = join(files, "emb.parquet");
    const r = await sql([`SELECT i, ai_query('emb', 'text ' || i::VARCHAR) AS v FROM range(2500) t(i)`, "--output", out, "--concurrency", "16"], ADMIN, { TESSERA_SQL_PROGRESS_MS: "100" });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(out));
    assert.match(r.stderr, /Wrote 2,500 rows to .*emb\.parquet in \d+s \(2,500 AI rows, 2,500 calls, 0 errors/);
    const lines = r.stderr.split("\n").filter((l) => l.includes("calls/s"));
    assert.ok(lines.length >= 2, r.stderr);
    // DuckDB's row total is sampled when a chunk calls out, and its progress tracking may not
    // have run by then (2 chunks here): a line has the bar with the total when it was known,
    // else the bare count — either way in the bar's format.
    const withTotal = /\[[#.]{24}\] [\d,]+\/2,50\d rows \(\d+%\) · [\d.,]+ calls\/s · 0 errors · (ETA )?\d+/;
    const withoutTotal = /^[\d,]+ rows · [\d.,]+ calls\/s · 0 errors · \d+/;
    assert.ok(lines.every((l) => withTotal.test(l) || withoutTotal.test(l.trim())), lines.join("\n"));
    const back = await sql([`SELECT count(*) AS n, count(DISTINCT i) AS d, max(len(v)) AS dims FROM read_parquet('${out}')`]);
    assert.equal(back.stdout, "n,d,dims\n2500,2500,4\n");
  });

  it("writes CSV and JSON Lines files", async () => {
    const q = `SELECT id, ai_query('chat', review) AS a FROM read_csv('${files}/reviews.csv') ORDER BY id;`;
    assert.equal((await sql([q, "-o", join(files, "out.csv"), "--quiet"])).code, 0);
    assert.equal(readFileSync(join(files, "out.csv"), "utf8"), "id,a\n1,echo: great food\n2,echo: bad service\n3,echo: love it\n");
    assert.equal((await sql([q, "-o", join(files, "out.jsonl"), "-q"])).code, 0);
    assert.deepEqual(JSON.parse(readFileSync(join(files, "out.jsonl"), "utf8").split("\n")[2] ?? ""), { id: 3, a: "echo: love it" });
  });

  it("fails with the row's error, keeps it with failOnError => false, and refuses unknown endpoints", async () => {
    const failed = await sql(["SELECT ai_query('chat', 'FAIL this')"]);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /Error: .*the mock refuses 'FAIL this'/);
    const kept = await sql(["SELECT f.result IS NULL AS none, f.errorMessage IS NOT NULL AS failed FROM (SELECT ai_query('chat', 'FAIL x', failOnError => false) AS f)"]);
    assert.equal(kept.code, 0, kept.stderr);
    assert.equal(kept.stdout, "none,failed\ntrue,true\n");
    assert.match(kept.stderr, /1 errors/);
    const unknown = await sql(["SELECT ai_query('nope', 'x')"]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /endpoint with name 'nope' does not exist.*RESOURCE_DOES_NOT_EXIST/i);
  });

  it("is refused for a CAN_VIEW-only token: the gateway checks CAN_QUERY on each call", async () => {
    assert.equal((await api.call("POST", "/api/2.0/preview/scim/v2/Users", { userName: "viewer" })).status, 201);
    const t = await api.call("POST", "/api/2.0/token-management/on-behalf-of/tokens", { user_name: "viewer" });
    const token = (t.json as { token_value: string }).token_value;
    const ep = await api.call("GET", "/api/2.0/serving-endpoints/chat");
    const g = await api.call("PATCH", `/api/2.0/permissions/serving-endpoints/${String((ep.json as Obj)["id"])}`, { access_control_list: [{ user_name: "viewer", permission_level: "CAN_VIEW" }] });
    assert.equal(g.status, 200, g.text);
    const r = await sql(["SELECT ai_query('chat', 'hi')"], token);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /PERMISSION_DENIED/);
  });

  it("rejects bad flags with exit code 2", async () => {
    assert.equal((await sql(["SELECT 1", "--concurrency", "0"])).code, 2);
    assert.equal((await sql(["SELECT 1", "--output", "x.xlsx"])).code, 2);
    assert.equal((await sql(["SELECT 1", "--format", "xml"])).code, 2);
    assert.equal((await sql([])).code, 2);
    const noToken = await runCli(["sql", "SELECT 1", "--host", rt.url]);
    assert.equal(noToken.code, 2);
    const help = await runCli(["sql", "--help"]);
    assert.match(help.stdout, /Usage: tessera sql/);
  });

  it("Ctrl-C cancels the statement and aborts the calls in flight", async () => {
    const before = mock.disconnects;
    const child = spawn(process.execPath, [BIN, "sql", "SELECT ai_query('chat', 'SLOW ' || i::VARCHAR) FROM range(6) t(i)", "--host", rt.url], { env: { PATH: process.env["PATH"], TESSERA_TOKEN: ADMIN }, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const exited = new Promise((r) => child.once("exit", r));
    for (let i = 0; i < 250 && mock.requests.filter((q) => JSON.stringify(q.json).includes("SLOW")).length < 6; i++) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGINT");
    assert.equal(await exited, 130, err);
    assert.match(err, /Canceled: Interrupted/);
    for (let i = 0; i < 100 && mock.disconnects - before < 6; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(mock.disconnects - before, 6);
  });
});
