/**
 * The acceptance test for "no record lost on graceful shutdown": `tessera serve` as a child
 * process under load (50 clients looping streaming and plain requests against a slow
 * upstream), SIGTERM in the middle, then — after the process exited — every request that
 * got a complete response has its usage record and its inference record in the store.
 * (Needs the build: `npx tsc -p tsconfig.build.json`.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { startMockOpenAI, type MockOpenAI } from "../../testing/mock-openai/index.js";
import { bearer, Client } from "../helpers/http.js";
import { startGateway, tempDir, type GatewayProcess } from "../helpers/gateway-process.js";

const ADMIN = "shutdown-e2e-admin-token-31";
const CLIENTS = 50;

interface Done {
  clientRequestId: string;
  stream: boolean;
  /** `x-request-id` of a stream. */
  requestId: string | null;
  finishedAt: number;
}

type Reply = { status: number; text: string; requestId: string | null } | undefined;

/** One request; undefined when the connection was refused or reset (the gateway is going away). */
async function send(gw: GatewayProcess, stream: boolean, clientRequestId: string): Promise<Reply> {
  try {
    const res = await fetch(`${gw.url}/serving-endpoints/${stream ? "busy-stream" : "busy-plain"}/invocations`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: `load ${clientRequestId}` }], stream, client_request_id: clientRequestId }),
    });
    return { status: res.status, text: await res.text(), requestId: res.headers.get("x-request-id") };
  } catch {
    return undefined;
  }
}

async function underLoad(gw: GatewayProcess, dataDir: string, mock: MockOpenAI): Promise<void> {
  const api = new Client(gw.url, bearer(ADMIN));
  // Streams take ~0.7 s (a chunk every 100 ms), plain requests 0.5 s: both kinds are in flight at any moment.
  for (const [name, model] of [["busy-stream", "slow-100"], ["busy-plain", "slow-500"]]) {
    const created = await api.call("POST", "/api/2.0/serving-endpoints", {
      name,
      config: { served_entities: [{ name: "slow", external_model: { name: model, provider: "openai", task: "llm/v1/chat", openai_config: { openai_api_base: `${mock.url}/v1`, openai_api_key_plaintext: "sk-shutdown-key" } } }] },
      ai_gateway: { usage_tracking_config: { enabled: true }, inference_table_config: { enabled: true } },
    });
    assert.equal(created.status, 200, created.text);
  }

  const done: Done[] = [];
  /** One client: requests back to back until the gateway stops answering (refused, reset, or 503 while closing). */
  const client = async (w: number): Promise<void> => {
    for (let n = 0; ; n++) {
      const stream = Math.random() < 0.5;
      const clientRequestId = `w${w}-${n}`;
      const r = await send(gw, stream, clientRequestId);
      if (r?.status !== 200) return;
      const complete = stream ? r.text.endsWith("data: [DONE]\n\n") : typeof (JSON.parse(r.text) as { choices?: unknown }).choices === "object";
      assert.ok(complete, `a 200 with a complete body: ${r.text.slice(-80)}`);
      done.push({ clientRequestId, stream, requestId: r.requestId, finishedAt: Date.now() });
    }
  };
  const load = Promise.all(Array.from({ length: CLIENTS }, (_, w) => client(w)));
  await new Promise((r) => setTimeout(r, 1200));
  const sigtermAt = Date.now();
  const exit = gw.stop();
  await load;
  assert.equal(await exit, 0, gw.output());
  assert.doesNotMatch(gw.output(), /could not be written|records dropped/);

  const afterSigterm = done.filter((d) => d.finishedAt > sigtermAt);
  assert.ok(done.length >= CLIENTS, `enough traffic (${done.length} complete responses)`);
  assert.ok(afterSigterm.some((d) => d.stream) && afterSigterm.some((d) => !d.stream), "requests of both kinds were in flight at SIGTERM and completed during the drain");

  const db = new Database(join(dataDir, "tessera.db"), { readonly: true });
  try {
    type U = { client_request_id: string; request_id: string; status_code: number; streamed: number };
    type P = { client_request_id: string; databricks_request_id: string; status_code: number; response: string | null };
    const usage = new Map((db.prepare("SELECT client_request_id, request_id, status_code, streamed FROM usage_records").all() as U[]).map((r) => [r.client_request_id, r]));
    const payloads = new Map((db.prepare("SELECT client_request_id, databricks_request_id, status_code, response FROM inference_payloads").all() as P[]).map((r) => [r.client_request_id, r]));
    const missing = done.filter((d) => !usage.has(d.clientRequestId) || !payloads.has(d.clientRequestId));
    assert.deepEqual(missing.map((d) => d.clientRequestId), [], `${missing.length} of ${done.length} complete responses have no record`);
    for (const d of done) {
      const u = usage.get(d.clientRequestId);
      const p = payloads.get(d.clientRequestId);
      assert.equal(u?.status_code, 200);
      assert.equal(u?.streamed, d.stream ? 1 : 0);
      assert.equal(p?.status_code, 200);
      assert.ok(p?.response, "the response (aggregated for streams) is logged");
      if (d.stream) {
        assert.equal(u?.request_id, d.requestId);
        assert.equal(p?.databricks_request_id, d.requestId);
      }
    }
  } finally {
    db.close();
  }
}

describe("SIGTERM under load", () => {
  let mock: MockOpenAI;
  before(async () => {
    mock = await startMockOpenAI();
  });
  after(async () => {
    await mock.close();
  });

  it("keeps the usage and inference record of every request that got a complete response", { timeout: 60_000 }, async () => {
    const dataDir = tempDir();
    const gw = await startGateway(["--data-dir", dataDir], { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_SHUTDOWN_GRACE_MS: "10000" });
    try {
      await underLoad(gw, dataDir, mock);
    } finally {
      if (gw.child.exitCode === null) gw.child.kill("SIGKILL");
    }
  });
});
