// bench/RESULTS.md: every figure of the run, the ratios taken within each run (median and
// spread over the interleaved runs), and one line per target saying met or not.
import type { CellResult, OpenStreamsResult, TtfbResult } from "./measure.js";
import type { Cost, ProfileResult } from "./profile.js";
import type { SystemKey } from "./systems.js";
import { postgresSection } from "./report-pg.js";

export type CellKey = "plain-16" | "plain-64" | "stream-16" | "stream-64";

/** Everything after this line in RESULTS.md is hand-written and kept by the next run. */
export const NOTES_MARKER = "<!-- notes: everything below this line is written by hand and kept by `npm run bench` -->";

export interface Report {
  command: string;
  date: string;
  machine: { cpu: string; cores: number; memGiB: number; node: string; platform: string; load: string };
  settings: { runs: number; durationSec: number; warmupSec: number; ttfbRequests: number };
  versions: string[];
  runs: { cells: Partial<Record<CellKey, Partial<Record<SystemKey, CellResult>>>>; ttfb: Partial<Record<SystemKey, TtfbResult>> }[];
  peakRssMiB: Partial<Record<SystemKey, number | null>>;
  scale?: {
    endpoints: { count: number; startSec: number; idleRssMiB: number | null; peakRssMiB: number | null; pairs: { small: CellResult; big: CellResult }[] };
    bodies: { bytes: number; system: SystemKey; res: CellResult }[];
    streams: ({ system: SystemKey; idleRssMiB: number | null; peakRssMiB: number | null } & OpenStreamsResult)[];
  };
  profile?: ProfileResult[];
  /** Present when run with --database-url: the governed-pg system's database (password hidden), its schema, its usage rows at the end. */
  postgres?: { database: string; schema: string; usageRows: number | null };
  errors: string[];
  wallSec: number;
}

const LABEL: Record<SystemKey, string> = {
  upstream: "nginx direct (the upstream)",
  bare: "bare proxy",
  tessera: "Tessera",
  governed: "Tessera governed",
  "governed-pg": "Tessera governed on PostgreSQL",
  portkey: "Portkey",
};
const SYSTEMS: SystemKey[] = ["upstream", "bare", "tessera", "governed", "portkey"];
const SYSTEMS_PG: SystemKey[] = ["upstream", "bare", "tessera", "governed", "governed-pg", "portkey"];
/** The systems of this report: governed-pg only when it ran (the output is otherwise as before). */
function systemsOf(r: Report): SystemKey[] {
  return r.postgres === undefined ? SYSTEMS : SYSTEMS_PG;
}
export const CELL_LABEL: Record<CellKey, string> = {
  "plain-16": "non-streaming, 16 connections",
  "plain-64": "non-streaming, 64 connections",
  "stream-16": "streaming (20 chunks), 16 connections",
  "stream-64": "streaming (20 chunks), 64 connections",
};
export const CELLS = Object.keys(CELL_LABEL) as CellKey[];
const DASH = "—";

export function num(v: number | null | undefined, digits?: number): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  const d = digits ?? (Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2);
  return v.toFixed(d);
}

export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ")} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? "-".repeat(w) : `${"-".repeat(Math.max(1, w - 1))}:`)).join(" | ")} |`;
  return [line(head), rule, ...rows.map(line)].join("\n");
}

export function median(xs: readonly number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? Number.NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

export interface Spread {
  values: number[];
  median: number;
  min: number;
  max: number;
}

export function spread(values: number[]): Spread {
  const v = values.filter(Number.isFinite);
  return { values: v, median: median(v), min: Math.min(...v), max: Math.max(...v) };
}

export function fmtSpread(s: Spread, digits = 2, unit = ""): string {
  if (s.values.length === 0) return DASH;
  if (s.values.length === 1) return `${num(s.median, digits)}${unit}`;
  return `${num(s.median, digits)}${unit} (${num(s.min, digits)}–${num(s.max, digits)})`;
}

/** A figure of two systems taken within each run. */
export function perRun(r: Report, cell: CellKey, f: (a: CellResult, b: CellResult) => number, a: SystemKey, b: SystemKey): Spread {
  const v: number[] = [];
  for (const run of r.runs) {
    const x = run.cells[cell]?.[a];
    const y = run.cells[cell]?.[b];
    if (x !== undefined && y !== undefined) v.push(f(x, y));
  }
  return spread(v);
}

export const rpsRatio = (a: CellResult, b: CellResult): number => a.rps / b.rps;
export const cpuRatio = (a: CellResult, b: CellResult): number => a.cpuUsPerReq / b.cpuUsPerReq;

export function cellSpread(r: Report, cell: CellKey, sys: SystemKey, f: (c: CellResult) => number): Spread {
  return spread(r.runs.map((run) => run.cells[cell]?.[sys]).filter((c): c is CellResult => c !== undefined).map(f));
}

interface Target {
  what: string;
  goal: string;
  measured: string;
  met: boolean | null;
}

function atLeast(s: Spread[], goal: number): boolean | null {
  if (s.some((x) => x.values.length === 0)) return null;
  return s.every((x) => x.median >= goal);
}
function atMost(s: Spread[], goal: number): boolean | null {
  if (s.some((x) => x.values.length === 0)) return null;
  return s.every((x) => x.median <= goal);
}

function targets(r: Report): Target[] {
  const t: Target[] = [];
  const both = (cells: CellKey[], f: (c: CellKey) => Spread, digits = 2, unit = "×"): { s: Spread[]; text: string } => {
    const s = cells.map(f);
    return { s, text: cells.map((c, i) => `c=${c.split("-")[1] ?? ""}: ${fmtSpread(s[i] ?? spread([]), digits, unit)}`).join("; ") };
  };
  const plain: CellKey[] = ["plain-16", "plain-64"];
  const stream: CellKey[] = ["stream-16", "stream-64"];
  let x = both(plain, (c) => perRun(r, c, rpsRatio, "tessera", "bare"));
  t.push({ what: "non-streaming req/s, Tessera ÷ bare", goal: "≥ 0.85", measured: x.text, met: atLeast(x.s, 0.85) });
  x = both(plain, (c) => perRun(r, c, cpuRatio, "tessera", "bare"));
  t.push({ what: "CPU µs per request (non-streaming), Tessera ÷ bare", goal: "≤ 1.2", measured: x.text, met: atMost(x.s, 1.2) });
  x = both(stream, (c) => perRun(r, c, rpsRatio, "tessera", "bare"));
  t.push({ what: "streaming req/s (20 chunks), Tessera ÷ bare", goal: "≥ 0.80", measured: x.text, met: atLeast(x.s, 0.8) });
  const ttfb = spread(
    r.runs.map((run) => {
      const a = run.ttfb.tessera?.ttfbP50;
      const b = run.ttfb.bare?.ttfbP50;
      return a !== undefined && a !== null && b !== undefined && b !== null ? a - b : Number.NaN;
    }),
  );
  t.push({ what: "streaming TTFB p50, Tessera − bare", goal: "≤ 0.3 ms", measured: fmtSpread(ttfb, 3, " ms"), met: atMost([ttfb], 0.3) });
  x = both([...plain, ...stream], (c) => perRun(r, c, rpsRatio, "governed", "bare"));
  t.push({ what: "governed req/s ÷ bare", goal: "≥ 0.80", measured: x.text.replace(/c=(\d+)/g, (m) => m), met: atLeast(x.s, 0.8) });
  const ep = r.scale?.endpoints;
  if (ep !== undefined) {
    const s = spread(ep.pairs.map((p) => p.big.rps / p.small.rps));
    const c = spread(ep.pairs.map((p) => p.big.cpuUsPerReq / p.small.cpuUsPerReq));
    t.push({
      what: `${ep.count.toLocaleString("en-US")} endpoints vs 2, req/s (CPU µs/req)`,
      goal: "within 5 %",
      measured: `${fmtSpread(s, 3, "×")} (CPU ${fmtSpread(c, 3, "×")})`,
      met: s.values.length === 0 ? null : Math.abs(s.median - 1) <= 0.05,
    });
  } else t.push({ what: "10,000 endpoints vs 1", goal: "within 5 %", measured: "not run (--no-scale)", met: null });
  const st = r.scale?.streams.find((s) => s.system === "tessera");
  t.push({
    what: "1,000 open streams, Tessera peak RSS",
    goal: "≤ 250 MiB",
    measured: st === undefined ? "not run" : `${num(st.peakRssMiB, 0)} MiB (${st.maxOpen} open at once, ${st.done} ended in [DONE], ${st.failed} failed)`,
    met: st === undefined || st.peakRssMiB === null ? null : st.peakRssMiB <= 250 && st.maxOpen >= 1000,
  });
  x = both(plain, (c) => perRun(r, c, rpsRatio, "tessera", "portkey"), 1);
  t.push({ what: "Tessera ÷ Portkey req/s (non-streaming)", goal: "≥ 10×", measured: x.text, met: atLeast(x.s, 10) });
  return t;
}

function verdict(m: boolean | null): string {
  return m === null ? "not measured" : m ? "**met**" : "**not met**";
}

function cellTable(r: Report, cell: CellKey): string {
  const rows = systemsOf(r).map((s) => {
    const rps = cellSpread(r, cell, s, (c) => c.rps);
    return [
      LABEL[s],
      fmtSpread(rps, 0),
      num(cellSpread(r, cell, s, (c) => c.p50Ms).median, 2),
      num(cellSpread(r, cell, s, (c) => c.p99Ms).median, 2),
      fmtSpread(cellSpread(r, cell, s, (c) => c.cpuUsPerReq), 0),
      num(cellSpread(r, cell, s, (c) => c.cpuPct).median, 0),
      num(cellSpread(r, cell, s, (c) => c.upstreamCpuPct).median, 0),
      num(cellSpread(r, cell, s, (c) => c.wrkCpuPct).median, 0),
      String(cellSpread(r, cell, s, (c) => c.errors + c.non2xx).values.reduce((a, b) => a + b, 0)),
    ];
  });
  return table(["system", "req/s median (min–max)", "p50 ms", "p99 ms", "CPU µs/req median (min–max)", "CPU %", "nginx CPU %", "wrk CPU %", "errors + non-2xx"], rows);
}

function rawTable(r: Report): string {
  const rows: string[][] = [];
  r.runs.forEach((run, i) => {
    for (const cell of CELLS) {
      for (const s of systemsOf(r)) {
        const c = run.cells[cell]?.[s];
        if (c === undefined) continue;
        rows.push([`${i + 1}`, cell, LABEL[s], num(c.rps, 0), String(c.requests), num(c.p50Ms, 3), num(c.p99Ms, 3), num(c.cpuUsPerReq, 0), num(c.cpuPct, 0), num(c.upstreamCpuPct, 0), num(c.wrkCpuPct, 0), String(c.errors), String(c.non2xx)]);
      }
    }
  });
  return table(["run", "cell", "system", "req/s", "requests", "p50 ms", "p99 ms", "CPU µs/req", "CPU %", "nginx CPU %", "wrk CPU %", "errors", "non-2xx"], rows);
}

function ttfbTable(r: Report): string {
  const rows = systemsOf(r).map((s) => {
    const get = (f: (t: TtfbResult) => number | null): Spread => spread(r.runs.map((run) => run.ttfb[s]).filter((t): t is TtfbResult => t !== undefined).map((t) => f(t) ?? Number.NaN));
    const failed = r.runs.reduce((a, run) => a + (run.ttfb[s]?.failed ?? 0), 0);
    return [LABEL[s], fmtSpread(get((t) => t.ttfbP50), 3), fmtSpread(get((t) => t.ttfbP99), 3), fmtSpread(get((t) => t.endP50), 3), String(failed)];
  });
  return table(["system", "TTFB p50 ms median (min–max)", "TTFB p99 ms", "end p50 ms", "failed"], rows);
}

function ratioLines(r: Report): string[] {
  const lines: string[] = [];
  for (const cell of CELLS) {
    const parts = [
      `Tessera ÷ bare req/s ${fmtSpread(perRun(r, cell, rpsRatio, "tessera", "bare"), 2, "×")}`,
      `CPU/req ${fmtSpread(perRun(r, cell, cpuRatio, "tessera", "bare"), 2, "×")}`,
      `governed ÷ bare req/s ${fmtSpread(perRun(r, cell, rpsRatio, "governed", "bare"), 2, "×")}`,
      `CPU/req ${fmtSpread(perRun(r, cell, cpuRatio, "governed", "bare"), 2, "×")}`,
      `Tessera ÷ Portkey req/s ${fmtSpread(perRun(r, cell, rpsRatio, "tessera", "portkey"), 1, "×")}`,
    ];
    lines.push(`- ${CELL_LABEL[cell]}: ${parts.join("; ")}`);
  }
  return lines;
}

function upstreamCheck(r: Report): string {
  let fastest = 0;
  let nginxPct = 0;
  let wrkPct = 0;
  for (const run of r.runs) {
    for (const cell of CELLS) {
      for (const s of systemsOf(r)) {
        const c = run.cells[cell]?.[s];
        if (c === undefined) continue;
        wrkPct = Math.max(wrkPct, c.wrkCpuPct);
        if (s === "upstream") continue;
        fastest = Math.max(fastest, c.rps);
        nginxPct = Math.max(nginxPct, c.upstreamCpuPct);
      }
    }
  }
  const direct = spread(CELLS.flatMap((cell) => r.runs.map((run) => run.cells[cell]?.upstream?.rps ?? Number.NaN)));
  return (
    `nginx alone served ${num(direct.min, 0)}–${num(direct.max, 0)} req/s to wrk, ${num(direct.min / fastest, 1)}× or more the fastest proxied cell (${num(fastest, 0)} req/s); ` +
    `during the proxied cells nginx used at most ${num(nginxPct, 0)} % of one core and wrk at most ${num(wrkPct, 0)} % (of one core, any cell), so neither was the bottleneck.`
  );
}

function scaleSection(r: Report): string[] {
  const s = r.scale;
  if (s === undefined) return ["Not run (`--no-scale`)."];
  const out: string[] = [];
  const ep = s.endpoints;
  out.push(`### ${ep.count.toLocaleString("en-US")} endpoints configured vs 2`, "");
  out.push(`A second Tessera with ${ep.count.toLocaleString("en-US")} endpoints from its config file (started in ${num(ep.startSec, 1)} s; idle RSS ${num(ep.idleRssMiB, 0)} MiB, peak ${num(ep.peakRssMiB, 0)} MiB), non-streaming, 16 connections, alternated with the 2-endpoint Tessera ${ep.pairs.length}×.`, "");
  out.push(
    table(
      ["pair", "2 endpoints req/s", "CPU µs/req", `${ep.count} endpoints req/s`, "CPU µs/req", "ratio req/s", "ratio CPU"],
      ep.pairs.map((p, i) => [String(i + 1), num(p.small.rps, 0), num(p.small.cpuUsPerReq, 0), num(p.big.rps, 0), num(p.big.cpuUsPerReq, 0), num(p.big.rps / p.small.rps, 3), num(p.big.cpuUsPerReq / p.small.cpuUsPerReq, 3)]),
    ),
    "",
  );
  out.push("### Request bodies of 1 KB / 100 KB / 1 MB (non-streaming, 16 connections)", "");
  out.push(
    table(
      ["body bytes", "system", "req/s", "p50 ms", "p99 ms", "CPU µs/req", "CPU µs per KB", "errors + non-2xx"],
      s.bodies.map((b) => [String(b.bytes), LABEL[b.system], num(b.res.rps, 0), num(b.res.p50Ms, 2), num(b.res.p99Ms, 2), num(b.res.cpuUsPerReq, 0), num(b.res.cpuUsPerReq / (b.bytes / 1024), 2), String(b.res.errors + b.res.non2xx)]),
    ),
    "",
  );
  const growth = (sys: SystemKey): string => {
    const rows = s.bodies.filter((b) => b.system === sys);
    const [a, b, c] = rows;
    if (a === undefined || b === undefined || c === undefined) return DASH;
    const slope1 = (b.res.cpuUsPerReq - a.res.cpuUsPerReq) / ((b.bytes - a.bytes) / 1024);
    const slope2 = (c.res.cpuUsPerReq - b.res.cpuUsPerReq) / ((c.bytes - b.bytes) / 1024);
    return `${LABEL[sys]}: ${num(slope1, 2)} µs per extra KB from 1 KB to 100 KB, ${num(slope2, 2)} from 100 KB to 1 MB (${slope2 <= slope1 * 1.25 ? "linear or better" : "worse than linear"})`;
  };
  out.push(`CPU growth with body size — ${growth("bare")}; ${growth("tessera")}.`, "");
  out.push("### 1,000 concurrent open streams", "");
  out.push("Upstream: the Node mock (`testing/mock-openai`, model `slow-1500`: 1.5 s before the headers and between chunks, so each stream stays open ~12 s); a fresh process per system; the client (`bench/open-streams.mjs`, its own process) opens all of them at once.", "");
  out.push(
    table(
      ["system", "idle RSS MiB", "peak RSS MiB (VmHWM)", "streams started", "open at once (max)", "ended in [DONE]", "failed"],
      s.streams.map((x) => [LABEL[x.system], num(x.idleRssMiB, 0), num(x.peakRssMiB, 0), String(x.started), String(x.maxOpen), String(x.done), String(x.failed)]),
    ),
  );
  return out;
}

/** Layers of the request path, to weigh the issue's suspicions; a function counts in the first layer that matches. */
const LAYERS: { name: string; match: (c: Cost) => boolean }[] = [
  { name: "GC", match: (c) => c.name === "(garbage collector)" },
  { name: "socket writes (native writev / write*String)", match: (c) => c.where === "" && /^(writev|writeBuffer|write(Utf8|Latin1|Ascii|Ucs2)String)$/.test(c.name) },
  { name: "promise and tick hops (runMicrotasks, nextTick, processTicksAndRejections)", match: (c) => /^(runMicrotasks|nextTick|processTicksAndRejections)$/.test(c.name) },
  { name: "logging (pino, @pinojs/redact)", match: (c) => /node_modules\/(pino|@pinojs|pino-std-serializers|sonic-boom)\//.test(c.where) },
  { name: "Fastify (routing, hooks, reply, content-type parser)", match: (c) => /node_modules\/(fastify|find-my-way|avvio|fast-json-stringify|@fastify\/[^/]+|light-my-request)\//.test(c.where) },
  { name: "secure-json-parse (request body)", match: (c) => c.where.includes("node_modules/secure-json-parse/") },
  { name: "zod (request validation)", match: (c) => c.where.includes("node_modules/zod/") },
  { name: "prom-client (metrics)", match: (c) => c.where.includes("node_modules/prom-client/") },
  { name: "undici (upstream client)", match: (c) => c.where.includes("node_modules/undici/") },
  { name: "eventsource-parser (stream events)", match: (c) => c.where.includes("node_modules/eventsource-parser/") },
  { name: "kysely / better-sqlite3 (usage writes)", match: (c) => /node_modules\/(kysely|better-sqlite3)\//.test(c.where) },
  { name: "other npm packages", match: (c) => c.where.includes("node_modules/") },
  { name: "Tessera: usage (rows, metrics, batch writer)", match: (c) => c.where.startsWith("dist/usage/") },
  { name: "Tessera: server edge (dist/server, dist/auth)", match: (c) => /^dist\/(server|auth|permissions)\//.test(c.where) },
  { name: "Tessera: gateway pipeline (dist/gateway, limits, guardrails)", match: (c) => /^dist\/(gateway|limits|guardrails)\//.test(c.where) },
  { name: "Tessera: providers (dist/providers)", match: (c) => c.where.startsWith("dist/providers/") },
  { name: "Tessera: other", match: (c) => c.where.startsWith("dist/") },
  { name: "AbortController / AbortSignal", match: (c) => c.where.startsWith("node:abort_controller") },
  { name: "Node HTTP server/client (node:_http_*)", match: (c) => c.where.startsWith("node:_http") },
  { name: "Node net, streams, events, timers, ticks", match: (c) => /^node:(net|streams|events|timers|process|internal)/.test(c.where) },
  { name: "other Node core", match: (c) => c.where.startsWith("node:") },
  { name: "V8 builtins and native (JSON.parse/stringify, (program), …)", match: () => true },
];

function layerSums(p: ProfileResult): Map<string, { us: number; pct: number }> {
  const sums = new Map<string, { us: number; pct: number }>();
  for (const f of p.functions) {
    const layer = LAYERS.find((l) => l.match(f))?.name ?? "?";
    const s = sums.get(layer) ?? { us: 0, pct: 0 };
    s.us += f.usPerReq;
    s.pct += f.pct;
    sums.set(layer, s);
  }
  return sums;
}

function layers(p: ProfileResult): string[][] {
  return [...layerSums(p).entries()].sort((a, b) => b[1].us - a[1].us).map(([name, s]) => [name, num(s.us, 1), num(s.pct, 1)]);
}

function profileSection(r: Report): string[] {
  if (r.profile === undefined) return ["Not run (`--no-profile`)."];
  const out: string[] = [];
  const bare = r.profile.find((p) => p.system === "bare");
  const tessera = r.profile.find((p) => p.system !== "bare" && p.kind === "plain");
  if (bare !== undefined && tessera !== undefined) {
    const b = layerSums(bare);
    const t = layerSums(tessera);
    const names = [...new Set([...b.keys(), ...t.keys()])];
    const rows = names
      .map((n) => ({ n, b: b.get(n)?.us ?? 0, t: t.get(n)?.us ?? 0 }))
      .sort((x, y) => y.t - y.b - (x.t - x.b))
      .map((x) => [x.n, num(x.b, 1), num(x.t, 1), num(x.t - x.b, 1)]);
    rows.push(["total busy", num(bare.busyUsPerReq, 0), num(tessera.busyUsPerReq, 0), num(tessera.busyUsPerReq - bare.busyUsPerReq, 0)]);
    out.push("### Tessera − bare proxy, non-streaming, by layer (µs per request)", "", table(["layer", "bare", "Tessera", "Tessera − bare"], rows), "");
  }
  for (const p of r.profile) {
    out.push(
      `### ${p.label}: ${Math.round(p.requests)} requests in ${num(p.windowSec, 1)} s, ${num(p.busyUsPerReq, 0)} µs of busy CPU per request (main thread, profiler on)`,
      "",
    );
    out.push(table(["layer", "µs/req", "% of busy"], layers(p)), "");
    out.push(table(["where (module)", "µs/req", "% of busy"], p.groups.slice(0, 16).map((g) => [g.name, num(g.usPerReq, 1), num(g.pct, 1)])), "");
    out.push(table(["function (self time)", "at", "µs/req", "%"], p.functions.slice(0, 30).map((f) => [`\`${f.name}\``, f.where === "" ? "" : `\`${f.where}\``, num(f.usPerReq, 1), num(f.pct, 1)])), "");
  }
  return out;
}

export function render(r: Report): string {
  const m = r.machine;
  const t = targets(r);
  const lines = [
    "# Tessera benchmark results",
    "",
    `Generated by \`${r.command}\` on ${r.date} (wall time ${Math.round(r.wallSec)} s).`,
    "",
    `Machine: ${m.cpu}, ${m.cores} cores, ${num(m.memGiB, 1)} GiB RAM, Node ${m.node}, ${m.platform}; load average at the start ${m.load}.`,
    `Versions: ${r.versions.join(", ")}.`,
    "",
    "Everything runs on this one machine over 127.0.0.1. On a machine shared with other work the absolute figures move from run to run;",
    "the ratios are taken within one run (the systems measured back to back) and reported as the median of the runs with their spread.",
    "",
    "## How it was measured",
    "",
    "- Upstream: Debian's nginx (`nginx-light`, one worker, `master_process off`) answering `POST /json/v1/chat/completions` with a canned chat.completion and `POST /sse/v1/chat/completions` with a canned 20-chunk stream (role, 18 content chunks, finish; then a usage chunk and `data: [DONE]`).",
    "- Load: `wrk -t1 -c<16|64> -d<s>s --timeout 10s -s bench/wrk-post.lua <url>`, its own process (the Lua script sets the POST body and headers and prints wrk's summary as JSON). A warm-up run of wrk before every measured cell.",
    `- Cells: non-streaming and streaming × 16 and 64 connections; warm-up ${r.settings.warmupSec} s, measured ${r.settings.durationSec} s. The sequence (every cell, every system) is run ${r.settings.runs}× interleaved; even runs go nginx → bare → Tessera → governed${r.postgres === undefined ? "" : " → governed on PostgreSQL"} → Portkey, odd runs the reverse.`,
    "- CPU µs per request: user+system ticks from `/proc/<pid>/stat` (utime+stime+cutime+cstime of the process and every live descendant; a process's figure already covers all its threads) over the measured cell, ÷ wrk's request count.",
    `- TTFB: \`bench/ttfb.mjs\` (its own process, node:http, one keep-alive connection), ${r.settings.ttfbRequests} streamed requests one after another with nothing else loading the system; time from sending to the first body byte, and to the end. Only 200s that end in \`data: [DONE]\` count.`,
    "- Peak RSS: `VmHWM` from `/proc/<pid>/status` (summed over the process tree) at the end of the interleaved runs.",
    "- Before any load each system answers one plain chat (200, `chat.completion`) and one stream (200, ends in `data: [DONE]`).",
    "",
    "Systems:",
    "",
    "- **nginx direct**: wrk straight at the upstream.",
    "- **bare proxy**: `node bench/bare-proxy.mjs <port> <origin>` — plain JS, `node:http` server, one undici `Pool`, `pool.stream` with the request as the body and the response as the sink; no body parsing.",
    "- **Tessera**: `node bin/tessera.js serve --host 127.0.0.1 --port <p> --data-dir <tmp> --config <tmp>/tessera.yaml` (dist/ from `npm run build`, `TESSERA_LOG_LEVEL=warn`); endpoints `bench-plain` and `bench-stream` (external_model, provider openai, key from a `{{secrets/…}}` reference), `POST /serving-endpoints/chat/completions` with `model: bench-plain|bench-stream`.",
    "- **Tessera governed**: as Tessera, both endpoints with `ai_gateway: {usage_tracking_config: {enabled: true}, inference_table_config: {enabled: true}, rate_limits: [{calls: 1000000000, key: endpoint, renewal_period: minute}], guardrails: {input: {invalid_keywords: [bench-forbidden-word]}}}`.",
    ...(r.postgres === undefined ? [] : [`- **Tessera governed on PostgreSQL**: as Tessera governed, plus \`--database-url\` on a schema of its own in ${r.postgres.database} (see its section below).`]),
    "- **Portkey**: `node --import ./bench/loopback-only.mjs node_modules/@portkey-ai/gateway/build/start-server.js --port=<p> --headless`, `POST /v1/chat/completions` with `x-portkey-provider: openai` and `x-portkey-custom-host: <origin>/json/v1` (or `/sse/v1`).",
    "",
    "## Targets (issue 12, section 2)",
    "",
    table(
      ["target", "goal", "measured: median (min–max over runs)", "verdict"],
      t.map((x) => [x.what, x.goal, x.measured, verdict(x.met)]),
    ),
    "",
    ...t.map((x) => `- ${x.what} ${x.goal}: ${x.met === null ? "not measured in this run" : x.met ? "met" : "not met"} (${x.measured}).`),
    "",
    "## Ratios within each run",
    "",
    ...ratioLines(r),
    "",
    ...postgresSection(r),
    "## The upstream and the load generator",
    "",
    upstreamCheck(r),
    "",
  ];
  for (const cell of CELLS) lines.push(`## ${CELL_LABEL[cell]}`, "", cellTable(r, cell), "");
  lines.push(
    "CPU % = the system's CPU over the measured cell (100 = one core); nginx CPU % and wrk CPU % likewise, in the same cell.",
    "",
    "## Streaming time to first byte (unloaded)",
    "",
    ttfbTable(r),
    "",
    "## Peak RSS after the interleaved runs",
    "",
    table(["system", "VmHWM MiB"], systemsOf(r).map((s) => [LABEL[s], num(r.peakRssMiB[s], 0)])),
    "",
    "## Scale cells",
    "",
    ...scaleSection(r),
    "",
    "## Where the time goes: `node --cpu-prof` under load (self time)",
    "",
    "Tessera (and, for comparison, the bare proxy) under wrk with `--cpu-prof --cpu-prof-interval 250`; the profile is cut to the measured load window. µs/req = self time in the window ÷ requests; % = share of the busy (non-idle) main-thread time. The profiler itself adds some cost.",
    "",
    ...profileSection(r),
    "## Every run, every cell",
    "",
    rawTable(r),
    "",
  );
  if (r.errors.length > 0) lines.push("## Errors", "", ...r.errors.map((e) => `- ${e}`), "");
  return lines.join("\n");
}
