// "Where the time goes": Tessera under wrk load with `node --cpu-prof`, the profile cut to the
// measured load window (the longest busy stretch; idle gaps surround it) and summed by self time.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { stopChild } from "./proc.js";
import { startBare, startTessera, tempDir, type Kind } from "./systems.js";
import { runWrk } from "./wrk.js";

const profileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
    }),
  ),
  startTime: z.number(),
  endTime: z.number(),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

export interface Cost {
  name: string;
  where: string;
  usPerReq: number;
  pct: number;
}

export interface ProfileResult {
  system: "tessera" | "bare";
  kind: Kind;
  /** What was profiled, for the report. */
  label: string;
  requests: number;
  windowSec: number;
  /** Busy CPU µs per request in the window (the profiler's own cost included). */
  busyUsPerReq: number;
  functions: Cost[];
  groups: Cost[];
}

const INTERVAL_US = 250;

/** Where a frame's code lives: a package, a Node core area, a Tessera folder, or V8 itself. */
export function groupOf(url: string, fn: string): string {
  if (fn === "(garbage collector)") return "V8: garbage collector";
  if (fn === "(program)") return "V8/native: (program)";
  if (url === "") return "V8 builtins / native";
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm?.[1] !== undefined) return `npm: ${nm[1]}`;
  if (url.startsWith("node:")) {
    const rest = url.slice(5).replace(/^internal\//, "");
    return `node: ${rest.split("/")[0] ?? rest}`;
  }
  const dist = /\/dist\/(.+)$/.exec(url);
  if (dist?.[1] !== undefined) {
    const parts = dist[1].split("/");
    return `tessera: ${parts.length > 1 ? `${parts[0] ?? ""}/` : ""}${parts[parts.length - 1] ?? ""}`;
  }
  return url;
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\/.*?\/(node_modules|dist)\//, "$1/").replace(/^node:internal\//, "node:");
}

/** Where the measured load sits, in wall-clock terms, relative to the process's exit. */
export interface LoadWindow {
  /** Length of the measured wrk run. */
  loadMs: number;
  /** From the end of that run to the process's exit (when the profile ends). */
  exitAfterEndMs: number;
  /** Cut from both ends of the window (start-up and wind-down of wrk). */
  marginMs: number;
}

export function analyse(raw: unknown, requests: number, system: ProfileResult["system"], kind: Kind, label: string, w: LoadWindow): ProfileResult {
  const p = profileSchema.parse(raw);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  // Sample i lasts until sample i+1: its duration is the next delta.
  const times: number[] = [];
  let t = p.startTime;
  for (const d of p.timeDeltas) times.push((t += d));
  const dur = (i: number): number => p.timeDeltas[i + 1] ?? INTERVAL_US;
  const idle = (i: number): boolean => byId.get(p.samples[i] ?? -1)?.callFrame.functionName === "(idle)";
  // The window in the profile's clock (µs): the profile ends when the process exits,
  // `exitAfterEndMs` after the measured load ended.
  const windowEnd = p.endTime - (w.exitAfterEndMs + w.marginMs) * 1000;
  const windowStart = p.endTime - (w.exitAfterEndMs + w.loadMs - w.marginMs) * 1000;
  const fns = new Map<string, Cost>();
  const groups = new Map<string, Cost>();
  let busyUs = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const at = times[i] ?? 0;
    if (at < windowStart || at > windowEnd || idle(i)) continue;
    const node = byId.get(p.samples[i] ?? -1);
    if (node === undefined) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName === "" ? "(anonymous)" : functionName;
    const where = url === "" ? "" : `${shortUrl(url)}:${lineNumber + 1}`;
    const d = dur(i);
    busyUs += d;
    const fk = `${name} ${where}`;
    const f = fns.get(fk) ?? { name, where, usPerReq: 0, pct: 0 };
    f.usPerReq += d;
    fns.set(fk, f);
    const g = groupOf(url, functionName);
    const gc = groups.get(g) ?? { name: g, where: "", usPerReq: 0, pct: 0 };
    gc.usPerReq += d;
    groups.set(g, gc);
  }
  const finish = (m: Map<string, Cost>): Cost[] =>
    [...m.values()]
      .map((c) => ({ ...c, pct: (c.usPerReq / busyUs) * 100, usPerReq: c.usPerReq / requests }))
      .sort((a, b) => b.usPerReq - a.usPerReq);
  return { system, kind, label, requests, windowSec: (windowEnd - windowStart) / 1e6, busyUsPerReq: busyUs / requests, functions: finish(fns), groups: finish(groups) };
}

export interface ProfileCase {
  /** Tessera (default) or the bare proxy, profiled the same way as the floor to compare with. */
  system?: "tessera" | "bare";
  kind: Kind;
  label: string;
  body: (model: string) => string;
  connections: number;
  aiGateway?: Record<string, unknown>;
}

/** Profiles one case: warm-up, idle, the measured load, idle, a clean stop (which writes the profile). */
export async function profileSystem(origin: string, c: ProfileCase, durationSec: number): Promise<ProfileResult> {
  const { kind, label, body, connections } = c;
  const dir = tempDir("tessera-prof-");
  const nodeFlags = ["--cpu-prof", "--cpu-prof-dir", dir, "--cpu-prof-interval", String(INTERVAL_US)];
  const sys = c.system === "bare" ? await startBare(origin, nodeFlags) : await startTessera(origin, { ...(c.aiGateway ? { aiGateway: c.aiGateway } : {}), nodeFlags });
  const route = sys.routes[kind];
  const file = join(dir, "body.json");
  writeFileSync(file, body(route.model));
  const load = { url: route.url, headers: route.headers, bodyFile: file };
  await runWrk(load, connections, 2);
  await sleep(1000);
  const t0 = performance.now();
  const stats = await runWrk(load, connections, durationSec);
  const t1 = performance.now();
  if (stats.errors + stats.non2xx > 0) throw new Error(`profile run: ${stats.errors} errors, ${stats.non2xx} non-2xx answers`);
  await sleep(500);
  await stopChild(sys.child, 15_000);
  const exited = performance.now();
  const prof = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (prof === undefined) throw new Error(`no .cpuprofile written (${sys.key} ${sys.child.exitInfo() ?? "still running"})`);
  // The share of the requests that fall inside the trimmed window.
  const marginMs = 200;
  const loadMs = t1 - t0;
  const requests = (stats.requests * (loadMs - 2 * marginMs)) / loadMs;
  return analyse(JSON.parse(readFileSync(join(dir, prof), "utf8")), requests, c.system ?? "tessera", kind, label, { loadMs, exitAfterEndMs: exited - t1, marginMs });
}
