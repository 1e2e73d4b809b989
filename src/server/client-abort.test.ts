import assert from "node:assert/strict";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { it } from "node:test";
import { clientAbort } from "./client-abort.js";

/** Serves one request with `handle`, and the client either waits for the answer or goes away. */
async function serveOne(handle: (a: ReturnType<typeof clientAbort>, end: () => void) => void, clientLeaves: boolean): Promise<void> {
  const server = createServer((_req, res) => handle(clientAbort(res), () => res.end("ok")));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => {
    const req = request({ host: "127.0.0.1", port, method: "POST" }, (res) => {
      res.resume();
      res.on("end", resolve);
    });
    req.on("error", () => resolve());
    req.end("{}");
    if (clientLeaves) setTimeout(() => (req.destroy(), resolve()), 50);
  });
  await new Promise((r) => setTimeout(r, 50));
  server.closeAllConnections();
  server.close();
}

it("the client going away aborts the signal, then tells every onAbort listener still watching, once", async () => {
  const heard: string[] = [];
  let signal: AbortSignal | undefined;
  await serveOne((a) => {
    signal = a.signal;
    a.signal.addEventListener("abort", () => heard.push("signal"));
    a.onAbort(() => heard.push("first"));
    const stop = a.onAbort(() => heard.push("stopped"));
    a.onAbort(() => heard.push(`second, aborted=${a.signal.aborted}`));
    stop();
  }, true);
  assert.equal(signal?.aborted, true);
  assert.deepEqual(heard, ["signal", "first", "second, aborted=true"]);
});

it("an answer written in full aborts nothing; a listener added after an abort still hears it", async () => {
  const heard: string[] = [];
  let signal: AbortSignal | undefined;
  await serveOne((a, end) => {
    signal = a.signal;
    a.onAbort(() => heard.push("abort"));
    end();
  }, false);
  assert.equal(signal?.aborted, false);
  assert.equal(heard.length, 0);
  await serveOne((a) => {
    a.signal.addEventListener("abort", () => a.onAbort(() => heard.push("late")));
  }, true);
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(heard, ["late"]);
});
