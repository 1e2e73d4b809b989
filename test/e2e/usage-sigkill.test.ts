/**
 * What a `kill -9` costs the usage and inference records: `tessera serve` as a child process
 * under load (light, then heavy: clients looping plain requests against a fast upstream),
 * SIGKILL in the middle, then the 200s the clients got are counted against the rows in the
 * store. The records lost must all belong to the last 100 ms before the kill (the flush
 * interval plus one write), at either load; the window measured is printed.
 * (Needs the build: `npx tsc -p tsconfig.build.json`.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { startMockOpenAI, type MockOpenAI } from "../../testing/mock-openai/index.js";
import { bearer, Client } from "../helpers/http.js";
import { startGateway, tempDir, type GatewayProcess } from "../helpers/gateway-process.js";

const ADMIN = "sigkill-e2e-admin-token-53";
/** The documented bound (docs/usage.md, "Writing, and the shutdown guarantee"). */
const WINDOW_MS = 100;

interface Done {
  id: string;
  finishedAt: number;
}

async function trial(mock: MockOpenAI, clients: number): Promise<{ done: number; lost: number; windowMs: number; rps: number }> {
  const dataDir = tempDir();
  const gw: GatewayProcess = await startGateway(["--data-dir", dataDir], { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_LOG_LEVEL: "warn" });
  try {
    const api = new Client(gw.url, bearer(ADMIN));
    const created = await api.call("POST", "/api/2.0/serving-endpoints", {
      name: "killed",
      config: { served_entities: [{ name: "e", external_model: { name: "fast", provider: "openai", task: "llm/v1/chat", openai_config: { openai_api_base: `${mock.url}/v1`, openai_api_key_plaintext: "sk-sigkill-key" } } }] },
      ai_gateway: { usage_tracking_config: { enabled: true }, inference_table_config: { enabled: true } },
    });
    assert.equal(created.status, 200, created.text);
    const done: Done[] = [];
    let killed = false;
    const client = async (w: number): Promise<void> => {
      for (let n = 0; !killed; n++) {
        const id = `w${w}-${n}`;
        try {
          const res = await fetch(`${gw.url}/serving-endpoints/killed/invocations`, {
            method: "POST",
            headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
            body: JSON.stringify({ messages: [{ role: "user", content: `load ${id}` }], client_request_id: id }),
          });
          const text = await res.text();
          // A response read in full before the kill is one the gateway answered.
          if (res.status === 200 && !killed) done.push({ id, finishedAt: Date.now() });
          else if (res.status !== 200) assert.fail(`${res.status}: ${text}`);
        } catch {
          return; // the gateway is gone
        }
      }
    };
    const started = Date.now();
    const load = Promise.all(Array.from({ length: clients }, (_, w) => client(w)));
    // At least 1.5 s, and enough answers that the kill lands in steady traffic (a loaded machine is slower).
    while (Date.now() - started < 1500 || (done.length < clients * 5 && Date.now() - started < 30_000)) await new Promise((r) => setTimeout(r, 50));
    killed = true;
    const killAt = Date.now();
    gw.child.kill("SIGKILL");
    await load;
    const rps = done.length / ((killAt - started) / 1000);

    const db = new Database(join(dataDir, "tessera.db"));
    try {
      const ids = (table: string) => new Set((db.prepare(`SELECT client_request_id AS id FROM ${table}`).all() as Array<{ id: string }>).map((r) => r.id));
      const usage = ids("usage_records");
      const payloads = ids("inference_payloads");
      const lost = done.filter((d) => !usage.has(d.id) || !payloads.has(d.id));
      const oldest = Math.min(...lost.map((d) => d.finishedAt));
      return { done: done.length, lost: lost.length, windowMs: lost.length ? killAt - oldest : 0, rps };
    } finally {
      db.close();
    }
  } finally {
    if (gw.child.exitCode === null) gw.child.kill("SIGKILL");
  }
}

describe("SIGKILL under load", () => {
  let mock: MockOpenAI;
  before(async () => {
    mock = await startMockOpenAI();
  });
  after(async () => {
    await mock.close();
  });

  for (const clients of [4, 48]) {
    it(`${clients} clients: the records lost are only those of the last ${WINDOW_MS} ms`, { timeout: 60_000 }, async () => {
      const r = await trial(mock, clients);
      console.log(`# SIGKILL with ${clients} clients: ${r.done} 200s (${r.rps.toFixed(0)}/s), ${r.lost} without their records (${((100 * r.lost) / r.done).toFixed(2)} %), lost window ${r.windowMs} ms`);
      assert.ok(r.done >= clients * 5, `enough traffic (${r.done})`);
      assert.ok(r.windowMs <= WINDOW_MS, `records lost reach back ${r.windowMs} ms before the kill`);
    });
  }
});
