/**
 * Starts the built `tessera serve` as a child process, the way a user runs it, and
 * collects everything it prints (so tests can check no secret is ever logged).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPO = resolve(import.meta.dirname, "../..");
export const BIN = join(REPO, "bin/tessera.js");

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  stop(): Promise<number | null>;
}

export function tempDir(prefix = "tessera-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Starts `tessera serve --port 0 …`; resolves once it prints its address (fails after `startMs`: a start on a loaded 2-core machine has been seen to take over 15 s). */
export function startGateway(args: string[], env: NodeJS.ProcessEnv = {}, startMs = 30_000): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [BIN, "serve", "--port", "0", ...args], {
    env: { PATH: process.env["PATH"], TESSERA_LOG_LEVEL: "info", TESSERA_SHUTDOWN_GRACE_MS: "1000", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => {
      // A gateway that did not start in time is stopped, not left running behind the test.
      child.kill("SIGKILL");
      reject(new Error(`gateway did not start in ${startMs} ms:\n${out}`));
    }, startMs);
    const onData = () => {
      const m = /Tessera listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      resolveStart({
        url: m[1] as string,
        child,
        output: () => out,
        async stop() {
          if (child.exitCode === null) child.kill("SIGTERM");
          return exited;
        },
      });
    };
    child.stdout?.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}:\n${out}`));
    });
  });
}

/** Runs `tessera <args>` to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env["PATH"], ...env }, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input ?? "");
  return new Promise((r) => child.once("exit", (code) => r({ code, stdout, stderr })));
}
