// `npm run bench [-- --quick]`: the same load against the mock upstream, a bare proxy, Tessera
// and Portkey, one system after another; prints the tables and writes bench/RESULTS.md.
// Env BENCH_DURATION=<seconds> sets the length of each measured autocannon phase.
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { probeTtfb, runCannon, verify, type CannonSettings, type CannonStats } from "./load.js";
import { render, type Report, type SystemResult } from "./report.js";
import {
  ROOT,
  cpuSeconds,
  installCleanup,
  peakRssMb,
  startBareProxy,
  startMock,
  startPortkey,
  startTessera,
  stopChild,
  type RunningSystem,
  GOVERNED_AI_GATEWAY,
} from "./systems.js";

interface Settings {
  connections: number;
  durationSec: number;
  warmupSec: number;
  probeRequests: number;
  probeConcurrency: number;
}

function settingsFromArgs(): { s: Settings; quick: boolean; envDuration: string | undefined } {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
  const quick = values.quick === true;
  const s: Settings = quick
    ? { connections: 50, durationSec: 3, warmupSec: 1, probeRequests: 50, probeConcurrency: 4 }
    : { connections: 50, durationSec: 8, warmupSec: 2, probeRequests: 200, probeConcurrency: 4 };
  const envDuration = process.env["BENCH_DURATION"];
  if (envDuration !== undefined && envDuration !== "") {
    const d = Number(envDuration);
    if (!Number.isFinite(d) || d <= 0 || d > 600) throw new Error(`BENCH_DURATION must be a number of seconds (0 < d ≤ 600), got "${envDuration}"`);
    s.durationSec = d;
  }
  return { s, quick, envDuration: envDuration === "" ? undefined : envDuration };
}

function log(msg: string): void {
  process.stderr.write(`bench: ${msg}\n`);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function version(pkgDir: string): string {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(ROOT, pkgDir, "package.json"), "utf8"));
    if (typeof parsed === "object" && parsed !== null && "version" in parsed && typeof parsed.version === "string") return parsed.version;
  } catch {
    // not installed
  }
  return "?";
}

/** An autocannon run, with the CPU the system's process spent on it. */
async function timedCannon(sys: RunningSystem, stream: boolean, c: CannonSettings): Promise<CannonStats> {
  const cpu0 = cpuSeconds(sys.child.pid);
  const t0 = performance.now();
  const stats = await runCannon(sys.target, stream, c);
  const cpu1 = cpuSeconds(sys.child.pid);
  const wall = (performance.now() - t0) / 1000;
  if (cpu0 !== null && cpu1 !== null && wall > 0) stats.cpuPct = ((cpu1 - cpu0) / wall) * 100;
  return stats;
}

/** Verify, warm up, then the two measured phases; fills `row` as it goes. */
async function measure(sys: RunningSystem, row: SystemResult, s: Settings): Promise<void> {
  const { target } = sys;
  await verify(target);
  const cannon = (sec: number): CannonSettings => ({ connections: s.connections, durationSec: sec });
  log(`${row.label}: warm-up ${s.warmupSec} s`);
  await runCannon(target, false, cannon(s.warmupSec));
  log(`${row.label}: phase 1 (non-streaming) ${s.durationSec} s`);
  row.plain = await timedCannon(sys, false, cannon(s.durationSec));
  await runCannon(target, true, cannon(Math.max(0.5, s.warmupSec / 2)));
  log(`${row.label}: phase 2 (streaming) ${s.durationSec} s + TTFB probe`);
  row.stream = await timedCannon(sys, true, cannon(s.durationSec));
  row.ttfb = await probeTtfb(target, s.probeRequests, s.probeConcurrency);
}

async function main(): Promise<number> {
  installCleanup();
  const started = Date.now();
  const { s, quick, envDuration } = settingsFromArgs();
  const rows: Report["rows"] = {
    mock: { label: "(a) mock upstream", how: "`node --import tsx testing/mock-openai/main.ts --port <p> --no-record`, queried at `POST /v1/chat/completions`", peakRssMb: null },
    bare: { label: "(b) bare proxy", how: "`node --import tsx bench/bare-proxy.ts --port <p> --upstream http://127.0.0.1:<mock>` (node:http server; reads the small request body, forwards method, path, headers minus host/hop-by-hop and body with undici `request` on a keep-alive Agent, pipes status, content-type and body back), `POST /v1/chat/completions`", peakRssMb: null },
    tessera: {
      label: "(c) Tessera",
      how: "`node bin/tessera.js serve --host 127.0.0.1 --port <p> --data-dir <fresh tmp dir>` (dist/ from `npm run build`; `TESSERA_ADMIN_TOKEN`, `TESSERA_LOG_LEVEL=warn`), endpoint `bench-chat` (external_model, provider openai, base `http://127.0.0.1:<mock>/v1`), `POST /serving-endpoints/chat/completions`",
      peakRssMb: null,
    },
    tesseraGoverned: {
      label: "(e) Tessera + AI gateway",
      how: "as (c), the endpoint with `ai_gateway: {usage_tracking_config: {enabled: true}, rate_limits: [{calls: 1000000000, key: \"endpoint\", renewal_period: \"minute\"}]}` (usage records written in batches to the SQLite store; the limit is checked on every request but never reached)",
      peakRssMb: null,
    },
    portkey: {
      label: "(d) Portkey",
      how: "`node --import ./bench/loopback-only.mjs node_modules/@portkey-ai/gateway/build/start-server.js --port=<p> --headless` (the preload makes its host-less `listen` bind 127.0.0.1), `POST /v1/chat/completions` with `x-portkey-provider: openai`, `x-portkey-custom-host: http://127.0.0.1:<mock>/v1`",
      peakRssMb: null,
    },
  };

  let mock: (RunningSystem & { url: string }) | undefined;
  try {
    log("starting the mock upstream");
    mock = await startMock();
  } catch (err) {
    for (const row of Object.values(rows)) row.error = `mock upstream did not start: ${message(err)}`;
  }

  if (mock !== undefined) {
    const mockSys: RunningSystem = mock;
    const mockUrl = mock.url;
    const plan: [SystemResult, () => Promise<RunningSystem>][] = [
      [rows.mock, () => Promise.resolve(mockSys)],
      [rows.bare, () => startBareProxy(mockUrl)],
      [rows.tessera, () => startTessera(mockUrl)],
      [rows.tesseraGoverned, () => startTessera(mockUrl, GOVERNED_AI_GATEWAY)],
      [rows.portkey, () => startPortkey(mockUrl)],
    ];
    for (const [row, start] of plan) {
      let sys: RunningSystem | undefined;
      try {
        log(`${row.label}: starting`);
        sys = await start();
        await measure(sys, row, s);
        if (sys.child.exitInfo() !== null) throw new Error(`process ${sys.child.exitInfo() ?? ""} during the run`);
      } catch (err) {
        row.error = message(err);
        log(`${row.label}: FAILED: ${row.error}`);
      } finally {
        if (sys !== undefined && sys !== mock) {
          row.peakRssMb = peakRssMb(sys.child.pid);
          await stopChild(sys.child);
        }
      }
      await sleep(500);
    }
    rows.mock.peakRssMb = peakRssMb(mock.child.pid);
    await stopChild(mock.child);
  }

  const cpus = os.cpus();
  const report: Report = {
    command: `${envDuration !== undefined ? `BENCH_DURATION=${envDuration} ` : ""}npm run bench${quick ? " -- --quick" : ""}`,
    date: new Date().toISOString(),
    machine: {
      cpu: cpus[0]?.model.trim() ?? "unknown CPU",
      cores: cpus.length,
      memGb: os.totalmem() / 1024 ** 3,
      node: process.version,
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    },
    settings: [
      `Order: (a) → (b) → (c) → (e) → (d), one at a time; one mock process (\`--no-record\`) serves all of them.`,
      `Request: \`{"model":…,"messages":[{"role":"user","content":"Say hello"}],"max_tokens":32}\` (+ \`"stream":true\` in phase 2); model \`gpt-4o-mini\`, or \`bench-chat\` for Tessera.`,
      `Before the load: one chat (must be 200 with a \`chat.completion\` body) and one streamed chat (200, ends in \`data: [DONE]\`).`,
      `Warm-up (not counted): ${s.warmupSec} s non-streaming, then ${Math.max(0.5, s.warmupSec / 2)} s streaming, same connections.`,
      `Phases 1 and 2: autocannon, ${s.connections} connections, ${s.durationSec} s each, pipelining 1, timeout 10 s; req/s = autocannon's mean of per-second samples; p50/p99 = full response latency of the 2xx replies (autocannon's per-response times, sub-millisecond); CPU % = the system process's user+system CPU time over the phase's wall time (100 % = one core).`,
      `TTFB probe (after phase 2): ${s.probeRequests} streamed requests, ${s.probeConcurrency} at a time, undici keep-alive Agent.`,
    ],
    versions: [
      `tessera ${version(".")}`,
      `@portkey-ai/gateway ${version("node_modules/@portkey-ai/gateway")}`,
      `autocannon ${version("node_modules/autocannon")}`,
      `undici ${version("node_modules/undici")}`,
    ],
    wallSec: (Date.now() - started) / 1000,
    rows,
  };
  const md = render(report);
  process.stdout.write(`\n${md}`);
  const out = join(ROOT, "bench", "RESULTS.md");
  writeFileSync(out, md);
  log(`wrote ${out}`);
  return mock === undefined ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
