// `npm run bench [-- --quick] [--runs N] [--duration S] [--no-scale] [--no-profile] [--database-url postgres://…]`
// The honest benchmark: wrk (own process, one thread, 16 and 64 connections) against nginx
// direct, the bare proxy, Tessera, Tessera governed and Portkey, the whole sequence run
// several times interleaved; then the scale cells and a CPU profile of Tessera. Writes
// bench/RESULTS.md (keeping the hand-written notes at its end). With --database-url, a sixth
// system, Tessera governed on PostgreSQL (a schema of its own in that database, dropped at
// the end), joins the interleaved runs right after the SQLite governed one.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { measureCell, openStreams, probeTtfb, type CellResult, type OpenStreamsResult } from "./measure.js";
import { installCleanup, peakRssMiB, ROOT, rssMiB, spawnNode, stopChild, waitReady, guard, freePort, HOST } from "./proc.js";
import { profileSystem, type ProfileCase } from "./profile.js";
import { render, NOTES_MARKER, type Report, type CellKey } from "./report.js";
import { chatBody, GOVERNED_AI_GATEWAY, startBare, startPortkey, startTessera, tempDir, upstreamDirect, verify, type Kind, type System, type SystemKey } from "./systems.js";
import { NGINX, startNginx } from "./upstream.js";
import { checkDatabaseUrl, countRows, createBenchSchema, type BenchSchema } from "./postgres.js";
import { bodyFile, ensureDebianTools, WRK } from "./wrk.js";

function log(msg: string): void {
  process.stderr.write(`bench: ${msg}\n`);
}

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      runs: { type: "string" },
      duration: { type: "string" },
      "no-scale": { type: "boolean", default: false },
      "no-profile": { type: "boolean", default: false },
      "database-url": { type: "string" },
    },
  });
  const quick = values.quick === true;
  const num = (v: string | undefined, dflt: number, max: number): number => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || n > max) throw new Error(`expected a number in (0, ${max}], got "${v}"`);
    return n;
  };
  return {
    quick,
    runs: Math.round(num(values.runs, quick ? 1 : 3, 10)),
    durationSec: num(values.duration, quick ? 2 : 5, 120),
    warmupSec: quick ? 1 : 2,
    ttfbRequests: quick ? 100 : 400,
    scale: values["no-scale"] !== true,
    profile: values["no-profile"] !== true,
    endpoints: quick ? 1000 : 10_000,
    openStreams: 1000,
    profileSec: quick ? 4 : 8,
    databaseUrl: values["database-url"] === undefined ? undefined : checkDatabaseUrl(values["database-url"]).toString(),
    argv: redactArgv(process.argv.slice(2)).join(" "),
  };
}
type Options = ReturnType<typeof options>;

const CELLS: { key: CellKey; kind: Kind; connections: number }[] = [
  { key: "plain-16", kind: "plain", connections: 16 },
  { key: "plain-64", kind: "plain", connections: 64 },
  { key: "stream-16", kind: "stream", connections: 16 },
  { key: "stream-64", kind: "stream", connections: 64 },
];
const ORDER: SystemKey[] = ["upstream", "bare", "tessera", "governed", "portkey"];
const ORDER_PG: SystemKey[] = ["upstream", "bare", "tessera", "governed", "governed-pg", "portkey"];

/** The command line as the report shows it: a password in a database URL becomes ***. */
function redactArgv(argv: string[]): string[] {
  return argv.map((a) => a.replace(/^(postgres(?:ql)?:\/\/[^:@/]*:)[^@/]*@/i, "$1***@").replace(/^(--database-url=postgres(?:ql)?:\/\/[^:@/]*:)[^@/]*@/i, "$1***@"));
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

function bodyFor(dir: string, sys: System, kind: Kind, bytes = 0): string {
  return bodyFile(dir, `${sys.key}-${kind}-${bytes}`, chatBody(sys.routes[kind].model, kind, bytes));
}

async function main(): Promise<number> {
  installCleanup();
  const o = options();
  const started = Date.now();
  ensureDebianTools([
    { bin: WRK, pkg: "wrk" },
    { bin: NGINX, pkg: "nginx-light" },
  ]);
  if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) throw new Error("dist/ is missing: run `npm run build` first (npm run bench does)");
  const dir = tempDir("tessera-bench-");
  const report: Report = {
    command: `npm run bench${o.argv ? ` -- ${o.argv}` : ""}`,
    date: new Date().toISOString(),
    machine: machine(),
    settings: { runs: o.runs, durationSec: o.durationSec, warmupSec: o.warmupSec, ttfbRequests: o.ttfbRequests },
    versions: [
      `tessera ${version(".")}`,
      `@portkey-ai/gateway ${version("node_modules/@portkey-ai/gateway")}`,
      `undici ${version("node_modules/undici")}`,
      `nginx ${nginxVersion()}`,
      `wrk ${wrkVersion()}`,
    ],
    runs: [],
    peakRssMiB: {},
    errors: [],
    wallSec: 0,
  };

  log("starting nginx and the systems");
  const up = await startNginx(dir);
  const systems: System[] = [upstreamDirect(up.child, up.origin)];
  systems.push(await startBare(up.origin));
  systems.push(await startTessera(up.origin));
  systems.push(await startTessera(up.origin, { aiGateway: GOVERNED_AI_GATEWAY }));
  let pg: BenchSchema | undefined;
  if (o.databaseUrl !== undefined) {
    pg = await createBenchSchema(o.databaseUrl);
    log(`governed-pg: schema ${pg.name} in ${pg.shown}`);
    systems.push(await startTessera(up.origin, { aiGateway: GOVERNED_AI_GATEWAY, databaseUrl: pg.url, key: "governed-pg" }));
  }
  systems.push(await startPortkey(up.origin));
  const files = new Map<string, string>();
  for (const sys of systems) {
    for (const kind of ["plain", "stream"] as const) {
      const body = chatBody(sys.routes[kind].model, kind);
      await verify(sys, kind, body);
      files.set(`${sys.key}-${kind}`, bodyFor(dir, sys, kind));
    }
  }

  for (let r = 0; r < o.runs; r++) {
    // Interleaved: every run measures every system in every cell; odd runs go in reverse order.
    const base = pg === undefined ? ORDER : ORDER_PG;
    const order = r % 2 === 0 ? base : [...base].reverse();
    const run: Report["runs"][number] = { cells: {}, ttfb: {} };
    report.runs.push(run);
    for (const cell of CELLS) {
      for (const key of order) {
        const sys = systems.find((s) => s.key === key);
        if (sys === undefined) continue;
        log(`run ${r + 1}/${o.runs} ${cell.key} ${key}`);
        try {
          const res = await measureCell(sys.child.pid, up.child.pid, {
            route: sys.routes[cell.kind],
            bodyFile: files.get(`${key}-${cell.kind}`) ?? "",
            connections: cell.connections,
            warmupSec: o.warmupSec,
            durationSec: o.durationSec,
          });
          (run.cells[cell.key] ??= {})[key] = res;
          if (res.errors + res.non2xx > 0) report.errors.push(`run ${r + 1} ${cell.key} ${key}: ${res.errors} socket errors/timeouts, ${res.non2xx} non-2xx answers`);
        } catch (err) {
          report.errors.push(`run ${r + 1} ${cell.key} ${key}: ${message(err)}`);
        }
      }
    }
    for (const key of order) {
      const sys = systems.find((s) => s.key === key);
      if (sys === undefined) continue;
      try {
        run.ttfb[key] = await probeTtfb(sys.routes.stream, files.get(`${key}-stream`) ?? "", o.ttfbRequests);
      } catch (err) {
        report.errors.push(`run ${r + 1} ttfb ${key}: ${message(err)}`);
      }
    }
  }
  for (const sys of systems) report.peakRssMiB[sys.key] = peakRssMiB(sys.child.pid);

  if (o.scale) {
    const bare = systems.find((s) => s.key === "bare");
    const tessera = systems.find((s) => s.key === "tessera");
    for (const s of systems) if (s.key === "governed" || s.key === "governed-pg" || s.key === "portkey") await stopChild(s.child);
    if (bare !== undefined && tessera !== undefined) {
      report.scale = {
        endpoints: await endpointsCell(o, dir, up, tessera),
        bodies: await bodiesCell(o, dir, up.child.pid, [bare, tessera]),
        streams: await streamsCell(o, dir),
      };
    }
  }
  for (const sys of systems) if (sys.key !== "upstream") await stopChild(sys.child);
  if (pg !== undefined) {
    report.postgres = { database: pg.shown, schema: pg.name, usageRows: null };
    try {
      report.postgres.usageRows = await countRows(pg.url, "usage_records");
    } catch (err) {
      report.errors.push(`governed-pg: counting usage rows: ${message(err)}`);
    }
    await pg.drop().catch((err: unknown) => report.errors.push(`governed-pg: dropping schema ${pg?.name ?? ""}: ${message(err)}`));
  }

  if (o.profile) {
    report.profile = [];
    const cases: ProfileCase[] = [
      { system: "bare", kind: "plain", label: "Bare proxy (the floor), non-streaming, 16 connections", body: (m) => chatBody(m, "plain"), connections: 16 },
      { kind: "plain", label: "Tessera, non-streaming, 16 connections", body: (m) => chatBody(m, "plain"), connections: 16 },
      { kind: "stream", label: "Tessera, streaming (20 chunks), 16 connections", body: (m) => chatBody(m, "stream"), connections: 16 },
      { kind: "plain", label: "Tessera governed, non-streaming, 16 connections", body: (m) => chatBody(m, "plain"), connections: 16, aiGateway: GOVERNED_AI_GATEWAY },
      { kind: "plain", label: "Tessera, non-streaming, 1 MB request bodies, 4 connections", body: (m) => chatBody(m, "plain", 1024 * 1024), connections: 4 },
    ];
    for (const c of cases) {
      log(`profile: ${c.label}, ${o.profileSec} s`);
      try {
        report.profile.push(await profileSystem(up.origin, c, o.profileSec));
      } catch (err) {
        report.errors.push(`profile ${c.label}: ${message(err)}`);
      }
    }
  }
  await stopChild(up.child);

  report.wallSec = (Date.now() - started) / 1000;
  const out = join(ROOT, "bench", "RESULTS.md");
  const notes = existsSync(out) ? readFileSync(out, "utf8").split(NOTES_MARKER)[1] : undefined;
  const md = render(report) + `\n${NOTES_MARKER}${notes ?? "\n"}`;
  writeFileSync(out, md);
  process.stdout.write(md);
  log(`wrote ${out} in ${Math.round(report.wallSec)} s`);
  return report.errors.length === 0 ? 0 : 1;
}

/** 10,000 endpoints configured vs the two the load uses: the plain c=16 cell, alternated. */
async function endpointsCell(o: Options, dir: string, up: { origin: string; child: { pid: number } }, small: System): Promise<NonNullable<Report["scale"]>["endpoints"]> {
  log(`scale: Tessera with ${o.endpoints} endpoints, starting`);
  const t0 = Date.now();
  const big = await startTessera(up.origin, { extraEndpoints: o.endpoints - 2, key: "tessera" });
  const startSec = (Date.now() - t0) / 1000;
  const idleRss = rssMiB(big.child.pid);
  const file = bodyFor(dir, small, "plain");
  const pairs: { small: CellResult; big: CellResult }[] = [];
  for (let r = 0; r < o.runs; r++) {
    log(`scale: endpoints, run ${r + 1}`);
    const spec = { bodyFile: file, connections: 16, warmupSec: o.warmupSec, durationSec: o.durationSec };
    const a = await measureCell(small.child.pid, up.child.pid, { ...spec, route: small.routes.plain });
    const b = await measureCell(big.child.pid, up.child.pid, { ...spec, route: big.routes.plain });
    pairs.push({ small: a, big: b });
  }
  const peak = peakRssMiB(big.child.pid);
  await stopChild(big.child);
  return { count: o.endpoints, startSec, idleRssMiB: idleRss, peakRssMiB: peak, pairs };
}

/** Request bodies of 1 KB / 100 KB / 1 MB through the bare proxy and Tessera (plain, c=16). */
async function bodiesCell(o: Options, dir: string, upstreamPid: number, systems: System[]): Promise<NonNullable<Report["scale"]>["bodies"]> {
  const out: NonNullable<Report["scale"]>["bodies"] = [];
  for (const bytes of [1024, 100 * 1024, 1024 * 1024]) {
    for (const sys of systems) {
      log(`scale: ${bytes} B bodies, ${sys.key}`);
      const body = chatBody(sys.routes.plain.model, "plain", bytes);
      await verify(sys, "plain", body);
      const res = await measureCell(sys.child.pid, upstreamPid, {
        route: sys.routes.plain,
        bodyFile: bodyFor(dir, sys, "plain", bytes),
        connections: 16,
        warmupSec: o.warmupSec,
        durationSec: o.durationSec,
      });
      out.push({ bytes: Buffer.byteLength(body), system: sys.key, res });
    }
  }
  return out;
}

/**
 * 1,000 streams open at once through a fresh bare proxy and a fresh Tessera. The upstream is
 * the Node mock (testing/mock-openai) with `slow-<ms>`, which holds each stream open for
 * seconds; nginx cannot.
 */
async function streamsCell(o: Options, dir: string): Promise<NonNullable<Report["scale"]>["streams"]> {
  const port = await freePort();
  const mock = spawnNode("mock-openai", ["--import", "tsx", "testing/mock-openai/main.ts", "--port", String(port), "--no-record"]);
  await guard(mock, () => waitReady(mock, () => mock.output().includes(`listening on http://${HOST}:${port}`)));
  const origin = `http://${HOST}:${port}`;
  const model = "slow-1500";
  const out: NonNullable<Report["scale"]>["streams"] = [];
  try {
    const bare = await startBare(origin);
    const tessera = await startTessera(origin, { upstreamModel: model, bases: { plain: `${origin}/v1`, stream: `${origin}/v1` } });
    for (const sys of [bare, tessera]) {
      // The mock matches paths by suffix, so the bare proxy's /sse/v1/… reaches it too.
      const route = sys.key === "bare" ? { ...sys.routes.stream, model } : sys.routes.stream;
      const file = bodyFile(dir, `open-${sys.key}`, chatBody(route.model, "stream"));
      const idle = rssMiB(sys.child.pid);
      log(`scale: ${o.openStreams} open streams, ${sys.key}`);
      const res: OpenStreamsResult = await openStreams(route, file, o.openStreams);
      out.push({ system: sys.key, idleRssMiB: idle, peakRssMiB: peakRssMiB(sys.child.pid), ...res });
      await stopChild(sys.child);
    }
  } finally {
    await stopChild(mock);
  }
  return out;
}

function machine(): Report["machine"] {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown CPU",
    cores: cpus.length,
    memGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    load: os.loadavg().map((l) => l.toFixed(2)).join(" "),
  };
}

function nginxVersion(): string {
  const r = spawnSync(NGINX, ["-v"], { encoding: "utf8" });
  return /nginx\/(\S+)/.exec(`${r.stderr}${r.stdout}`)?.[1] ?? "?";
}

function wrkVersion(): string {
  const r = spawnSync(WRK, ["-v"], { encoding: "utf8" });
  return /wrk (\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? "?";
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
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
