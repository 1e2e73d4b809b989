/** `tessera serve`: starts the gateway and stops it gracefully on SIGTERM or SIGINT. */
import { startRuntime, type RuntimeOptions } from "../runtime.js";

export async function serve(opts: RuntimeOptions & { port: number }): Promise<number> {
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error("--port must be a number from 0 to 65535.");
  if (opts.bodyLimit !== undefined && (!Number.isInteger(opts.bodyLimit) || opts.bodyLimit < 1024)) {
    throw new Error("--max-body-bytes must be a whole number of at least 1024.");
  }
  const rt = await startRuntime(opts);
  if (rt.generatedAdminToken) {
    // Printed once, on the first start only; the store keeps just its hash.
    process.stdout.write(
      `\nTessera generated an admin token. It is shown only this once; keep it safe:\n\n  ${rt.generatedAdminToken}\n\n` +
        `Set TESSERA_ADMIN_TOKEN to choose your own instead.\n\n`,
    );
  }
  process.stdout.write(`Tessera listening on ${rt.url}\nWeb UI: ${rt.url}/ (sign in with a personal access token)\n`);
  await new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      rt.close().finally(resolveStop);
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  return 0;
}
