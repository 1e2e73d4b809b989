// Child processes of the benchmark (start, wait until ready, stop, never leave one behind)
// and what /proc says about them: CPU time and peak RSS of a process and its descendants.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";

export const HOST = "127.0.0.1";
/** The repository root: every child runs there, whatever the bench's own cwd. */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** Last few KB of the child's stdout+stderr, for failure reasons. */
  output(): string;
  /** Null while running; the exit description once it has exited. */
  exitInfo(): string | null;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
}

const live = new Set<ChildProcess>();
const tempDirs: string[] = [];
const cleanups: (() => void)[] = [];

/** A synchronous step for `killAll` (after the children are gone), e.g. dropping a database schema. */
export function onCleanup(fn: () => void): void {
  cleanups.push(fn);
}

export function rememberTempDir(dir: string): void {
  tempDirs.push(dir);
}

/** Kills every child still alive, synchronously; safe to call any number of times. */
export function killAll(): void {
  for (const proc of live) {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
  }
  live.clear();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  for (const fn of cleanups.splice(0)) fn();
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

/** The child's environment: ours minus anything that could change where or how it binds or runs. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith("TESSERA_") || k === "PORT" || k === "HOST" || k === "NODE_OPTIONS") continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** Starts `file args…` in the repository root; stdout+stderr are kept (last 8 KB). */
export function spawnProgram(name: string, file: string, args: string[], extraEnv: Record<string, string> = {}): Child {
  const proc = spawn(file, args, { cwd: ROOT, env: childEnv(extraEnv), stdio: ["ignore", "pipe", "pipe"] });
  if (proc.pid === undefined) throw new Error(`${name}: could not spawn ${file}`);
  live.add(proc);
  let tail = "";
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString("utf8")).slice(-8192);
  };
  proc.stdout?.on("data", keep);
  proc.stderr?.on("data", keep);
  let exit: string | null = null;
  const exited = new Promise<void>((resolve) => {
    proc.on("exit", (code, signal) => {
      exit = signal === null ? `exited with code ${code ?? "?"}` : `killed by ${signal}`;
      live.delete(proc);
      resolve();
    });
    proc.on("error", (err) => {
      exit = `spawn error: ${err.message}`;
      live.delete(proc);
      resolve();
    });
  });
  return { name, proc, pid: proc.pid, output: () => tail, exitInfo: () => exit, exited };
}

/** A Node child (this Node binary). */
export function spawnNode(name: string, args: string[], extraEnv: Record<string, string> = {}): Child {
  return spawnProgram(name, process.execPath, args, extraEnv);
}

export function failure(child: Child, what: string): Error {
  const out = child.output().trim().split("\n").slice(-5).join(" | ");
  return new Error(`${child.name}: ${what}${child.exitInfo() ? ` (${child.exitInfo()})` : ""}${out ? `; output: ${out}` : ""}`);
}

/** Resolves once `ready()` is true; rejects if the child dies first or time runs out. */
export async function waitReady(child: Child, ready: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitInfo() !== null) throw failure(child, "died while starting");
    if (await ready()) return;
    await sleep(100);
  }
  throw failure(child, `not ready after ${timeoutMs} ms`);
}

/** Runs the rest of a start-up; if it fails, the child is stopped before the error goes on. */
export async function guard<T>(child: Child, rest: () => Promise<T>): Promise<T> {
  try {
    return await rest();
  } catch (err) {
    await stopChild(child);
    throw err;
  }
}

/** SIGTERM, then SIGKILL if it has not gone after `graceMs`. */
export async function stopChild(child: Child, graceMs = 5000): Promise<void> {
  if (child.exitInfo() !== null) return;
  child.proc.kill("SIGTERM");
  const timedOut = await Promise.race([child.exited.then(() => false), sleep(graceMs).then(() => true)]);
  if (timedOut) {
    child.proc.kill("SIGKILL");
    await child.exited;
  }
}

/** Linux USER_HZ: /proc reports CPU times in 1/100 s on every architecture Node runs on. */
const TICKS_PER_SEC = 100;

interface Stat {
  ppid: number;
  /** utime + stime + cutime + cstime, in ticks: the process's threads and its reaped children. */
  ticks: number;
}

function readStat(pid: number): Stat | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    // f[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17.
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

/** The pid and every live descendant (found through the ppid of every process in /proc). */
export function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const st = readStat(pid);
    if (st !== null) parent.set(pid, st.ppid);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
}

/**
 * User+system CPU seconds so far of a process, all its threads, its live descendants and the
 * children it has reaped; null when the process is gone.
 */
export function cpuSeconds(pid: number): number | null {
  if (readStat(pid) === null) return null;
  let ticks = 0;
  for (const p of processTree(pid)) ticks += readStat(p)?.ticks ?? 0;
  return ticks / TICKS_PER_SEC;
}

function statusKb(pid: number, field: "VmHWM" | "VmRSS"): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m?.[1] === undefined ? 0 : Number(m[1]);
  } catch {
    return 0;
  }
}

/** Peak resident set (VmHWM) of a live process plus its live descendants, in MiB; null when unreadable. */
export function peakRssMiB(pid: number): number | null {
  const kb = processTree(pid).reduce((sum, p) => sum + statusKb(p, "VmHWM"), 0);
  return kb === 0 ? null : kb / 1024;
}

/** Current resident set (VmRSS), same scope, in MiB. */
export function rssMiB(pid: number): number | null {
  const kb = processTree(pid).reduce((sum, p) => sum + statusKb(p, "VmRSS"), 0);
  return kb === 0 ? null : kb / 1024;
}
