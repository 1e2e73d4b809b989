// The load generator: wrk (Debian's package), in its own process, one thread, fixed
// connections. Installed with apt-get when missing and possible; otherwise the bench stops.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ROOT } from "./proc.js";

export const WRK = "/usr/bin/wrk";
const SCRIPT = join(ROOT, "bench", "wrk-post.lua");

/** Installs the Debian packages whose binaries are missing (root only); throws with the way out otherwise. */
export function ensureDebianTools(tools: { bin: string; pkg: string }[]): void {
  const missing = tools.filter((t) => !existsSync(t.bin));
  if (missing.length === 0) return;
  const pkgs = missing.map((t) => t.pkg);
  const canInstall = process.getuid?.() === 0 && existsSync("/usr/bin/apt-get");
  if (!canInstall) {
    throw new Error(`missing ${missing.map((t) => t.bin).join(", ")}; install with: sudo apt-get install ${pkgs.join(" ")}`);
  }
  process.stderr.write(`bench: installing ${pkgs.join(" ")} (apt-get)\n`);
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    execFileSync("apt-get", ["update", "-q"], { stdio: ["ignore", "ignore", "inherit"], env });
    execFileSync("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...pkgs], { stdio: ["ignore", "ignore", "inherit"], env });
  } catch (err) {
    throw new Error(`apt-get install ${pkgs.join(" ")} failed (${err instanceof Error ? err.message : String(err)}); install them by hand and run again`);
  }
  const still = missing.filter((t) => !existsSync(t.bin));
  if (still.length > 0) throw new Error(`apt-get ran but ${still.map((t) => t.bin).join(", ")} is still missing`);
}

export interface Load {
  url: string;
  headers: Record<string, string>;
  /** File holding the request body. */
  bodyFile: string;
}

export interface WrkStats {
  requests: number;
  durationSec: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Socket errors and timeouts. */
  errors: number;
  /** Answers that were not 2xx/3xx. */
  non2xx: number;
}

/** Writes a body file once per distinct body. */
export function bodyFile(dir: string, name: string, body: string): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, body);
  return file;
}

/** One wrk run: `-t1 -c<connections> -d<sec>s --timeout 10s`. */
export function runWrk(load: Load, connections: number, durationSec: number): Promise<WrkStats> {
  const headers = Object.entries(load.headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n");
  const args = ["-t1", `-c${connections}`, `-d${durationSec}s`, "--timeout", "10s", "-s", SCRIPT, load.url];
  return new Promise((resolve, reject) => {
    const wrk = spawn(WRK, args, {
      env: { ...process.env, BENCH_BODY_FILE: load.bodyFile, BENCH_HEADERS: headers },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    wrk.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
    wrk.stderr.on("data", (c: Buffer) => (out += c.toString("utf8")));
    wrk.on("error", reject);
    wrk.on("exit", (code) => {
      const line = /^BENCH_JSON (.*)$/m.exec(out)?.[1];
      if (code !== 0 || line === undefined) {
        reject(new Error(`wrk exited ${code ?? "?"}: ${out.trim().slice(-500)}`));
        return;
      }
      const j = z.record(z.string(), z.number()).parse(JSON.parse(line));
      const n = (k: string): number => j[k] ?? Number.NaN;
      const durationSec = n("duration_us") / 1e6;
      resolve({
        requests: n("requests"),
        durationSec,
        rps: n("requests") / durationSec,
        p50Ms: n("p50_us") / 1000,
        p90Ms: n("p90_us") / 1000,
        p99Ms: n("p99_us") / 1000,
        maxMs: n("max_us") / 1000,
        errors: n("connect") + n("read") + n("write") + n("timeout"),
        non2xx: n("status"),
      });
    });
  });
}
