// Child processes of the benchmark: start, wait until ready, stop, and never leave one behind
// (normal end, errors, SIGINT/SIGTERM). Every child listens on 127.0.0.1 only.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { request } from "undici";

export const HOST = "127.0.0.1";
/** The repository root: every child runs there, whatever the bench's own cwd. */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const ADMIN_TOKEN = "bench-admin-token";
const UPSTREAM_KEY = "sk-bench";
const PORTKEY_ENTRY = "node_modules/@portkey-ai/gateway/build/start-server.js";

/** How the load generator talks to a system: where to POST, with which headers and body. */
export interface Target {
  url: string;
  headers: Record<string, string>;
  body(stream: boolean): string;
}

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** Last few KB of the child's stdout+stderr, for failure reasons. */
  output(): string;
  /** Null while running; the exit description once it has exited. */
  exitInfo(): string | null;
}

export interface RunningSystem {
  child: Child;
  target: Target;
}

const live = new Set<ChildProcess>();
const tempDirs: string[] = [];

/** Kills every child still alive, synchronously; safe to call any number of times. */
export function killAll(): void {
  for (const proc of live) {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
  }
  live.clear();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function installCleanup(): void {
  process.on("exit", killAll);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(sig, () => {
      process.stderr.write(`\nbench: ${sig}, stopping children\n`);
      killAll();
      process.exit(sig === "SIGINT" ? 130 : 143);
    });
  }
  process.on("uncaughtException", (err) => {
    process.stderr.write(`bench: uncaught: ${err.stack ?? err.message}\n`);
    killAll();
    process.exit(1);
  });
}

/** A port the OS says is free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

/** The child's environment: ours minus anything that could change where or how it binds. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith("TESSERA_") || k === "PORT" || k === "HOST" || k === "NODE_OPTIONS") continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

export function spawnChild(name: string, args: string[], extraEnv: Record<string, string> = {}): Child {
  const proc = spawn(process.execPath, args, { cwd: ROOT, env: childEnv(extraEnv), stdio: ["ignore", "pipe", "pipe"] });
  if (proc.pid === undefined) throw new Error(`${name}: could not spawn`);
  live.add(proc);
  let tail = "";
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString("utf8")).slice(-8192);
  };
  proc.stdout?.on("data", keep);
  proc.stderr?.on("data", keep);
  let exit: string | null = null;
  proc.on("exit", (code, signal) => {
    exit = signal === null ? `exited with code ${code ?? "?"}` : `killed by ${signal}`;
    live.delete(proc);
  });
  proc.on("error", (err) => {
    exit = `spawn error: ${err.message}`;
    live.delete(proc);
  });
  return { name, proc, pid: proc.pid, output: () => tail, exitInfo: () => exit };
}

function failure(child: Child, what: string): Error {
  const out = child.output().trim().split("\n").slice(-5).join(" | ");
  return new Error(`${child.name}: ${what}${child.exitInfo() ? ` (${child.exitInfo()})` : ""}${out ? `; output: ${out}` : ""}`);
}

/** Resolves once `ready()` is true; rejects if the child dies first or time runs out. */
async function waitReady(child: Child, ready: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitInfo() !== null) throw failure(child, "died while starting");
    if (await ready()) return;
    await sleep(100);
  }
  throw failure(child, `not ready after ${timeoutMs} ms`);
}

async function answers200(url: string): Promise<boolean> {
  try {
    const res = await request(url, { headersTimeout: 2000, bodyTimeout: 2000 });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}

/** Runs the rest of a start-up; if it fails, the child is stopped before the error goes on. */
async function guard<T>(child: Child, rest: () => Promise<T>): Promise<T> {
  try {
    return await rest();
  } catch (err) {
    await stopChild(child);
    throw err;
  }
}

/** SIGTERM, then SIGKILL if it has not gone after `graceMs`. */
export async function stopChild(child: Child, graceMs = 3000): Promise<void> {
  if (child.exitInfo() !== null) return;
  const gone = new Promise<void>((resolve) => child.proc.once("exit", () => resolve()));
  child.proc.kill("SIGTERM");
  const timedOut = await Promise.race([gone.then(() => false), sleep(graceMs).then(() => true)]);
  if (timedOut) {
    child.proc.kill("SIGKILL");
    await gone;
  }
}

/** Peak resident set (VmHWM) of a live process, in MB; null when unreadable. */
export function peakRssMb(pid: number): number | null {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m?.[1] === undefined ? null : Number(m[1]) / 1024;
  } catch {
    return null;
  }
}

/** user+system CPU seconds of a live process so far (Linux clock ticks are 1/100 s); null when unreadable. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    return Number.isFinite(ticks) ? ticks / 100 : null;
  } catch {
    return null;
  }
}

function chatBody(model: string): (stream: boolean) => string {
  const base = { model, messages: [{ role: "user", content: "Say hello" }], max_tokens: 32 };
  const plain = JSON.stringify(base);
  const streaming = JSON.stringify({ ...base, stream: true });
  return (stream) => (stream ? streaming : plain);
}

const JSON_HEADERS = { "content-type": "application/json" };

// ---------------------------------------------------------------------------
// The four systems

/** (a) The mock upstream; its URL has no trailing slash and no /v1. */
export async function startMock(): Promise<RunningSystem & { url: string }> {
  const port = await freePort();
  const child = spawnChild("mock-openai", ["--import", "tsx", "testing/mock-openai/main.ts", "--port", String(port), "--no-record"]);
  await guard(child, () => waitReady(child, () => child.output().includes(`mock-openai listening on http://${HOST}:${port}`)));
  const url = `http://${HOST}:${port}`;
  const target: Target = {
    url: `${url}/v1/chat/completions`,
    headers: { ...JSON_HEADERS, authorization: `Bearer ${UPSTREAM_KEY}` },
    body: chatBody("gpt-4o-mini"),
  };
  return { child, target, url };
}

/** (b) bench/bare-proxy.ts in front of the mock. */
export async function startBareProxy(mockUrl: string): Promise<RunningSystem> {
  const port = await freePort();
  const child = spawnChild("bare-proxy", ["--import", "tsx", "bench/bare-proxy.ts", "--port", String(port), "--upstream", mockUrl]);
  await guard(child, () => waitReady(child, () => child.output().includes(`bare-proxy listening on http://${HOST}:${port}`)));
  const target: Target = {
    url: `http://${HOST}:${port}/v1/chat/completions`,
    headers: { ...JSON_HEADERS, authorization: `Bearer ${UPSTREAM_KEY}` },
    body: chatBody("gpt-4o-mini"),
  };
  return { child, target };
}

/** (c) Tessera from dist/, fresh data dir, one external-model endpoint pointing at the mock. */
export async function startTessera(mockUrl: string, aiGateway?: Record<string, unknown>): Promise<RunningSystem> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "tessera-bench-"));
  tempDirs.push(dataDir);
  const child = spawnChild("tessera", ["bin/tessera.js", "serve", "--host", HOST, "--port", String(port), "--data-dir", dataDir], {
    TESSERA_ADMIN_TOKEN: ADMIN_TOKEN,
    TESSERA_LOG_LEVEL: "warn",
  });
  const base = `http://${HOST}:${port}`;
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  await guard(child, () => createEndpoint(child, base, auth, mockUrl, aiGateway));
  const target: Target = {
    url: `${base}/serving-endpoints/chat/completions`,
    headers: { ...JSON_HEADERS, ...auth },
    body: chatBody("bench-chat"),
  };
  return { child, target };
}

/** The AI gateway the governed Tessera row runs with: usage tracking and a (never reached) endpoint rate limit. */
export const GOVERNED_AI_GATEWAY = {
  usage_tracking_config: { enabled: true },
  rate_limits: [{ calls: 1_000_000_000, key: "endpoint", renewal_period: "minute" }],
};

async function createEndpoint(child: Child, base: string, auth: Record<string, string>, mockUrl: string, aiGateway?: Record<string, unknown>): Promise<void> {
  await waitReady(child, () => answers200(`${base}/health`));
  const created = await request(`${base}/api/2.0/serving-endpoints`, {
    method: "POST",
    headers: { ...JSON_HEADERS, ...auth },
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
    body: JSON.stringify({
      name: "bench-chat",
      ...(aiGateway ? { ai_gateway: aiGateway } : {}),
      config: {
        served_entities: [
          {
            external_model: {
              name: "gpt-4o-mini",
              provider: "openai",
              task: "llm/v1/chat",
              openai_config: { openai_api_base: `${mockUrl}/v1`, openai_api_key_plaintext: UPSTREAM_KEY },
            },
          },
        ],
      },
    }),
  });
  const createdText = await created.body.text();
  if (created.statusCode !== 200) throw failure(child, `creating the endpoint answered ${created.statusCode}: ${createdText.slice(0, 300)}`);
}

/** (d) The Portkey gateway (takes only `--port=<p>`, default 8787), kept on loopback by a preload. */
export async function startPortkey(mockUrl: string): Promise<RunningSystem> {
  const port = await freePort();
  const child = spawnChild("portkey", ["--import", "./bench/loopback-only.mjs", PORTKEY_ENTRY, `--port=${port}`, "--headless"]);
  const base = `http://${HOST}:${port}`;
  await guard(child, () => waitReady(child, () => answers200(`${base}/`)));
  const target: Target = {
    url: `${base}/v1/chat/completions`,
    headers: {
      ...JSON_HEADERS,
      authorization: `Bearer ${UPSTREAM_KEY}`,
      "x-portkey-provider": "openai",
      "x-portkey-custom-host": `${mockUrl}/v1`,
    },
    body: chatBody("gpt-4o-mini"),
  };
  return { child, target };
}
