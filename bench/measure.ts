// One measured cell: a warm-up, then wrk for the set time while /proc counts the CPU the
// system's process (with its threads and children), the upstream and wrk itself spend.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { z } from "zod";
import { cpuSeconds, ROOT } from "./proc.js";
import type { Route } from "./systems.js";
import { runWrk, type WrkStats } from "./wrk.js";

export interface CellResult extends WrkStats {
  /** User+system CPU of the system's process tree per request, µs. */
  cpuUsPerReq: number;
  /** The same, as a share of one core over the cell. */
  cpuPct: number;
  /** The upstream's CPU over the cell, % of one core. */
  upstreamCpuPct: number;
  /** wrk's own CPU over the cell, % of one core. */
  wrkCpuPct: number;
}

/** CPU seconds of this process's reaped children (wrk, the probes) so far. */
function reapedChildrenCpu(): number {
  const s = readFileSync("/proc/self/stat", "utf8");
  const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
  return (Number(f[13]) + Number(f[14])) / 100; // cutime, cstime (fields 16, 17)
}

export interface CellSpec {
  route: Route;
  bodyFile: string;
  connections: number;
  warmupSec: number;
  durationSec: number;
}

export async function measureCell(pid: number, upstreamPid: number, spec: CellSpec): Promise<CellResult> {
  const load = { url: spec.route.url, headers: spec.route.headers, bodyFile: spec.bodyFile };
  if (spec.warmupSec > 0) await runWrk(load, spec.connections, spec.warmupSec);
  const c0 = cpuSeconds(pid);
  const u0 = cpuSeconds(upstreamPid);
  const w0 = reapedChildrenCpu();
  const t0 = performance.now();
  const stats = await runWrk(load, spec.connections, spec.durationSec);
  const wall = (performance.now() - t0) / 1000;
  const c1 = cpuSeconds(pid);
  const u1 = cpuSeconds(upstreamPid);
  const w1 = reapedChildrenCpu();
  if (c0 === null || c1 === null) throw new Error(`process ${pid} is gone`);
  const cpu = c1 - c0;
  return {
    ...stats,
    cpuUsPerReq: stats.requests > 0 ? (cpu / stats.requests) * 1e6 : Number.NaN,
    cpuPct: (cpu / wall) * 100,
    upstreamCpuPct: u0 !== null && u1 !== null ? ((u1 - u0) / wall) * 100 : Number.NaN,
    wrkCpuPct: ((w1 - w0) / wall) * 100,
  };
}

const run = promisify(execFile);

const ttfbSchema = z.object({
  ok: z.number(),
  failed: z.number(),
  ttfbP50: z.number().nullable(),
  ttfbP99: z.number().nullable(),
  endP50: z.number().nullable(),
  endP99: z.number().nullable(),
});
export type TtfbResult = z.infer<typeof ttfbSchema>;

/** The TTFB probe (bench/ttfb.mjs), its own process, one stream at a time, nothing else loading the system. */
export async function probeTtfb(route: Route, bodyFile: string, count: number): Promise<TtfbResult> {
  const { stdout } = await run(process.execPath, ["bench/ttfb.mjs", route.url, bodyFile, JSON.stringify(route.headers), String(count)], {
    cwd: ROOT,
    timeout: 120_000,
  });
  return ttfbSchema.parse(JSON.parse(stdout));
}

const streamsSchema = z.object({ started: z.number(), maxOpen: z.number(), done: z.number(), failed: z.number() });
export type OpenStreamsResult = z.infer<typeof streamsSchema>;

/** The open-streams client (bench/open-streams.mjs), its own process. */
export async function openStreams(route: Route, bodyFile: string, count: number): Promise<OpenStreamsResult> {
  const { stdout } = await run(process.execPath, ["bench/open-streams.mjs", route.url, bodyFile, JSON.stringify(route.headers), String(count)], {
    cwd: ROOT,
    timeout: 180_000,
  });
  return streamsSchema.parse(JSON.parse(stdout));
}
