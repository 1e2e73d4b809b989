// writeSse against a real node:http server and an undici client: what goes on the wire, how
// writes are grouped, errors after the headers, client aborts and back-pressure.
// Run: node --import tsx --test src/server/sse.test.ts
import assert from "node:assert/strict";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, test } from "node:test";
import { Agent, request } from "undici";
import { writeSse } from "./sse.js";
import type { WireTextSource } from "../providers/provider.js";

interface Run {
  res: ServerResponse;
  /** Calls of `res.write` (the last `res.end` not counted). */
  writes: string[];
  outcome: Promise<{ ok: boolean; error?: unknown }>;
}

let server: Server;
let base = "";
/** What the next request streams. */
let source: () => AsyncIterable<unknown> = () => of();
let runs: Run[] = [];
const agent = new Agent({ keepAliveTimeout: 10_000 });

before(async () => {
  server = createServer((_req, res) => {
    const ac = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) ac.abort();
    });
    const writes: string[] = [];
    const write = res.write.bind(res) as (chunk: string) => boolean;
    res.write = ((chunk: string) => {
      writes.push(chunk);
      return write(chunk);
    }) as typeof res.write;
    const outcome = writeSse({
      res,
      headers: { "x-extra": "1" },
      chunks: source(),
      signal: ac.signal,
      renderError: (err) => ({ body: { error: { message: err instanceof Error ? err.message : "?" } }, error: undefined }),
    });
    runs.push({ res, writes, outcome });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await agent.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A stream whose chunks are all ready at once. */
async function* of(...chunks: unknown[]): AsyncGenerator<unknown> {
  for (const c of chunks) yield c;
}

function fetchSse(signal?: AbortSignal) {
  runs = [];
  return request(`${base}/stream`, { method: "POST", body: "{}", dispatcher: agent, headersTimeout: 2000, ...(signal ? { signal } : {}) });
}

function lastRun(): Run {
  const r = runs.at(-1);
  assert.ok(r, "the server saw the request");
  return r;
}

async function waitFor(cond: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) assert.fail("timed out waiting");
    await sleep(5);
  }
}

describe("writeSse", () => {
  test("writes each chunk as a data: line and ends with [DONE], nothing else on the wire", async () => {
    source = () => of({ n: 1, s: "é" }, { n: 2 }, [3]);
    const r = await fetchSse();
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers["content-type"], "text/event-stream; charset=utf-8");
    assert.equal(r.headers["cache-control"], "no-cache");
    assert.equal(r.headers["x-extra"], "1");
    const text = await r.body.text();
    assert.equal(text, 'data: {"n":1,"s":"é"}\n\ndata: {"n":2}\n\ndata: [3]\n\ndata: [DONE]\n\n');
    assert.deepEqual(await lastRun().outcome, { ok: true });
  });

  test("an empty stream is just [DONE]", async () => {
    source = () => of();
    const r = await fetchSse();
    assert.equal(await r.body.text(), "data: [DONE]\n\n");
  });

  test("chunks ready in the same turn go out together; later ones as they come", async () => {
    source = async function* () {
      yield { n: 1 };
      yield { n: 2 };
      await sleep(20);
      yield { n: 3 };
      yield { n: 4 };
      await sleep(20);
    };
    const r = await fetchSse();
    const text = await r.body.text();
    assert.equal(text, ["1", "2", "3", "4"].map((n) => `data: {"n":${n}}\n\n`).join("") + "data: [DONE]\n\n");
    assert.deepEqual(lastRun().writes, ['data: {"n":1}\n\ndata: {"n":2}\n\n', 'data: {"n":3}\n\ndata: {"n":4}\n\n']);
  });

  test("a stream that is all there at once costs no write before the end", async () => {
    source = () => of({ n: 1 }, { n: 2 });
    const r = await fetchSse();
    await r.body.text();
    assert.deepEqual(lastRun().writes, []);
  });

  test("headers go out at once, before the first chunk is ready", async () => {
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    source = async function* () {
      await gate;
      yield { n: 1 };
    };
    const r = await fetchSse(); // resolves on the headers
    assert.equal(r.statusCode, 200);
    release();
    assert.equal(await r.body.text(), 'data: {"n":1}\n\ndata: [DONE]\n\n');
  });

  test("a source's wire text is sent as is; other chunks are serialised", async () => {
    const a = { n: 1 };
    const b = { n: 2 };
    source = () => {
      let last: unknown;
      const it: AsyncIterable<unknown> & WireTextSource = {
        async *[Symbol.asyncIterator]() {
          for (const c of [a, b]) {
            last = c;
            yield c;
          }
        },
        wireText: (chunk) => (chunk === a && last === a ? '{ "n" : 1 }' : undefined),
      };
      return it;
    };
    const r = await fetchSse();
    assert.equal(await r.body.text(), 'data: { "n" : 1 }\n\ndata: {"n":2}\n\ndata: [DONE]\n\n');
  });

  test("an error mid-stream is the last data: line, with no [DONE]", async () => {
    source = async function* () {
      yield { n: 1 };
      await sleep(5);
      yield { n: 2 };
      throw new Error("upstream broke");
    };
    const r = await fetchSse();
    const text = await r.body.text();
    assert.equal(text, 'data: {"n":1}\n\ndata: {"n":2}\n\ndata: {"error":{"message":"upstream broke"}}\n\n');
    const outcome = await lastRun().outcome;
    assert.equal(outcome.ok, false);
    assert.ok(outcome.error instanceof Error);
  });

  test("a client that goes away gets its response destroyed and the source stopped", async () => {
    let stopped = false;
    source = async function* () {
      try {
        yield { n: 1 };
        for (;;) {
          await sleep(5);
          yield { n: 2 };
        }
      } finally {
        stopped = true;
      }
    };
    const ac = new AbortController();
    const r = await fetchSse(ac.signal);
    for await (const _ of r.body) break; // got a first piece: go away
    ac.abort();
    const run = lastRun();
    await run.outcome;
    assert.ok(run.res.destroyed);
    assert.ok(!run.res.writableFinished);
    await waitFor(() => stopped);
  });

  test("a client that goes away while the source waits: the response is destroyed", async () => {
    source = async function* () {
      yield { n: 1 };
      await new Promise(() => undefined); // never more
    };
    const ac = new AbortController();
    const r = await fetchSse(ac.signal);
    for await (const _ of r.body) break;
    ac.abort();
    const run = lastRun();
    await waitFor(() => run.res.destroyed);
    assert.ok(!run.res.writableFinished);
  });

  test("a client that does not read holds the source back (back-pressure)", async () => {
    const big = "x".repeat(256 * 1024);
    let pulled = 0;
    const total = 400; // 100 MiB: far more than any socket buffers
    source = async function* () {
      // Always ready (bar a turn of the event loop): only back-pressure can hold it back.
      for (; pulled < total; ) {
        pulled++;
        yield { big };
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const r = await fetchSse();
    await sleep(300);
    const whileStalled = pulled;
    assert.ok(whileStalled < total / 2, `the source was pulled ${whileStalled} times while nobody read`);
    let bytes = 0;
    for await (const b of r.body) bytes += (b as Buffer).length;
    assert.equal(pulled, total);
    assert.ok(bytes > total * big.length);
    assert.deepEqual(await lastRun().outcome, { ok: true });
  });
});
