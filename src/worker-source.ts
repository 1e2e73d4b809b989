/**
 * The script a worker thread runs: the built `<name>.js` beside the caller; or, when the
 * caller runs from source under tsx (tests, benches), a tiny script that registers tsx
 * inside the worker first (Node 20 does not carry `--import tsx` into worker threads) and
 * then imports `<name>.ts`.
 *
 * @example
 *   const src = workerSource(import.meta.url, "./worker");
 *   new Worker(src.source, { eval: src.eval });
 */
import { existsSync } from "node:fs";

export function workerSource(callerUrl: string, name: string): { source: URL | string; eval: boolean } {
  const ts = new URL(`${name}.ts`, callerUrl);
  if (!(callerUrl.endsWith(".ts") && existsSync(ts))) return { source: new URL(`${name}.js`, callerUrl), eval: false };
  return { source: `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(ts.href)}); });`, eval: true };
}
