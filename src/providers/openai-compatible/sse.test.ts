// The SSE reader on its own: a real node:http upstream writes the body in the pieces a test
// chooses (each piece its own network read, a few ms apart), and undici's `request` gives
// the response the reader turns into chunks.
// Run: node --import tsx --test src/providers/openai-compatible/sse.test.ts
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, test } from "node:test";
import { Agent, request } from "undici";
import { GatewayError } from "../../gateway/errors.js";
import { openaiChunks } from "./sse.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

let server: Server;
let base = "";
let handler: Handler = (_req, res) => void res.writeHead(500).end();
/** Connections the upstream accepted, and responses that closed before they finished. */
let connections = 0;
let cutResponses = 0;
const agent = new Agent({ keepAliveTimeout: 10_000 });

before(async () => {
  server = createServer((req, res) => {
    res.on("close", () => {
      if (!res.writableFinished) cutResponses++;
    });
    void handler(req, res);
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await agent.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The upstream answers with these pieces, each flushed on its own, `gapMs` apart. */
function pieces(parts: readonly (string | Buffer)[], opts: { end?: boolean; gapMs?: number } = {}): Handler {
  return async (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    for (let i = 0; i < parts.length; i++) {
      if (i > 0) await sleep(opts.gapMs ?? 5);
      res.write(parts[i] as string | Buffer);
    }
    if (opts.end !== false) res.end();
  };
}

const OPTS = { provider: "up", secrets: ["sk-secret-value"] };

async function open(signal: AbortSignal = new AbortController().signal) {
  const res = await request(`${base}/v1/chat/completions`, { method: "POST", body: "{}", dispatcher: agent, signal });
  return openaiChunks<Record<string, unknown>>(res, { ...OPTS, signal });
}

async function collect(signal?: AbortSignal): Promise<{ chunks: Record<string, unknown>[]; texts: (string | undefined)[] }> {
  const stream = await open(signal);
  const chunks: Record<string, unknown>[] = [];
  const texts: (string | undefined)[] = [];
  for await (const c of stream) {
    chunks.push(c);
    texts.push(stream.wireText(c));
  }
  return { chunks, texts };
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  return assert.fail("expected the stream to fail");
}

const chunkJson = (content: string, finish: string | null = null): string =>
  JSON.stringify({ id: "c", object: "chat.completion.chunk", choices: [{ index: 0, delta: finish ? {} : { content }, finish_reason: finish }] });
const ev = (json: string): string => `data: ${json}\n\n`;
const contents = (chunks: Record<string, unknown>[]): string =>
  chunks.map((c) => (c["choices"] as { delta: { content?: string } }[])[0]?.delta.content ?? "").join("");

describe("openaiChunks", () => {
  test("events split across network reads, mid-line and mid-character, come out whole", async () => {
    const a = chunkJson("Grüße, ");
    const b = chunkJson("wörld");
    const stop = chunkJson("", "stop");
    const bytes = Buffer.from(ev(a) + ev(b) + ev(stop) + "data: [DONE]\n\n");
    const umlaut = bytes.indexOf(Buffer.from("ü")); // split inside the two bytes of "ü"
    const secondData = bytes.indexOf("data:", 5);
    handler = pieces([bytes.subarray(0, 3), bytes.subarray(3, umlaut + 1), bytes.subarray(umlaut + 1, secondData + 2), bytes.subarray(secondData + 2)]);
    const { chunks, texts } = await collect();
    assert.equal(chunks.length, 3);
    assert.equal(contents(chunks), "Grüße, wörld");
    assert.deepEqual(texts, [a, b, stop], "each chunk's wire text is the upstream's JSON, byte for byte");
  });

  test("CRLF and CR line endings, with a CR and its LF in different reads", async () => {
    const a = chunkJson("a");
    const stop = chunkJson("", "stop");
    handler = pieces([`data: ${a}\r`, `\n\r\ndata: ${stop}\r\r`, "data: [DONE]\r\n\r\n"]);
    const { chunks } = await collect();
    assert.equal(chunks.length, 2);
    assert.equal(contents(chunks), "a");
  });

  test("[DONE] ends the stream: what follows is dropped and the connection is reused", async () => {
    const a = chunkJson("a");
    handler = pieces([ev(a) + "data: [DONE]\n\n" + ev(chunkJson("after"))]);
    const first = await collect();
    assert.equal(contents(first.chunks), "a");
    await sleep(10);
    const before = connections;
    const second = await collect();
    assert.equal(contents(second.chunks), "a");
    assert.equal(connections, before, "the second request went over the same kept-alive connection");
  });

  test("a body that goes on after [DONE] is drained, not cut, so its connection is reused", async () => {
    handler = pieces([ev(chunkJson("a")) + "data: [DONE]\n\n", ": trailing\n\n"], { gapMs: 150 });
    await collect(); // a connection to reuse
    await sleep(200);
    const before = connections;
    const cutBefore = cutResponses;
    const t0 = performance.now();
    assert.equal(contents((await collect()).chunks), "a");
    assert.ok(performance.now() - t0 < 100, "the stream ended at [DONE], not when the body did");
    await sleep(200);
    assert.equal(cutResponses, cutBefore, "the upstream response was read to its end");
    await collect();
    assert.equal(connections, before, "every request went over the one kept-alive connection");
  });

  test("a body still open a while after [DONE] is cut", async () => {
    handler = pieces([ev(chunkJson("a")) + "data: [DONE]\n\n"], { end: false });
    const cutBefore = cutResponses;
    assert.equal(contents((await collect()).chunks), "a");
    await waitFor(() => cutResponses > cutBefore, 3000);
  });

  test("[DONE] in its own read after the last chunk", async () => {
    handler = pieces([ev(chunkJson("a")), ev(chunkJson("b")), "data: [DONE]\n\n"]);
    assert.equal(contents((await collect()).chunks), "ab");
  });

  test("comments, keep-alives and other fields are ignored; a multi-line event is joined", async () => {
    const multi = `{"id":"c","choices":\n[{"index":0,"delta":{"content":"b"},"finish_reason":null}]}`;
    handler = pieces([
      ": keep-alive\n\n",
      "event: message\nid: 7\nretry: 100\n" + ev(chunkJson("a")),
      ":ping\n",
      multi.split("\n").map((l) => `data: ${l}\n`).join("") + "\n",
      ev(chunkJson("", "stop")) + "data: [DONE]\n\n",
    ]);
    const { chunks, texts } = await collect();
    assert.equal(contents(chunks), "ab");
    assert.equal(chunks.length, 3);
    assert.equal(texts[1], undefined, "a multi-line event has no one-line wire text");
    assert.equal(typeof texts[0], "string");
  });

  test("non-object data is skipped", async () => {
    handler = pieces([ev("42") + ev("null") + ev(chunkJson("a")) + ev(chunkJson("", "stop")) + "data: [DONE]\n\n"]);
    assert.equal((await collect()).chunks.length, 2);
  });

  test("an error event fails the stream after the chunks before it, credentials scrubbed", async () => {
    handler = pieces([ev(chunkJson("a")), ev(JSON.stringify({ error: { message: "bad key sk-secret-value" } }))]);
    const stream = await open();
    const seen: string[] = [];
    const err = await failure(
      (async () => {
        for await (const c of stream) seen.push(contents([c]));
      })(),
    );
    assert.deepEqual(seen, ["a"]);
    assert.ok(err instanceof GatewayError);
    assert.equal(err.status, 502);
    assert.equal(err.message, "Received error from up mid-stream: bad key [REDACTED]");
  });

  test("malformed data fails the stream", async () => {
    handler = pieces([ev(chunkJson("a")) + "data: {nope\n\n"]);
    const err = await failure(collect());
    assert.ok(err instanceof GatewayError);
    assert.match(err.message, /malformed stream data from up/);
  });

  test("a body that ends with neither [DONE] nor a finish_reason is truncated", async () => {
    handler = pieces([ev(chunkJson("a")), ev(chunkJson("b"))]);
    const err = await failure(collect());
    assert.ok(err instanceof GatewayError);
    assert.equal(err.status, 502);
    assert.match(err.message, /The stream from up ended before it was complete/);
  });

  test("a body that ends after a finish_reason but without [DONE] ends cleanly", async () => {
    handler = pieces([ev(chunkJson("a")), ev(chunkJson("", "stop"))]);
    assert.equal((await collect()).chunks.length, 2);
  });

  test("a connection cut mid-stream is a GatewayError", async () => {
    handler = async (req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(ev(chunkJson("a")));
      await sleep(10);
      req.socket.destroy();
    };
    const err = await failure(collect());
    assert.ok(err instanceof GatewayError);
    assert.match(err.message, /The stream from up failed/);
  });

  test("an abort mid-stream is rethrown as the abort and cuts the upstream response", async () => {
    handler = pieces([ev(chunkJson("a"))], { end: false });
    const ac = new AbortController();
    const stream = await open(ac.signal);
    const cutBefore = cutResponses;
    const err = await failure(
      (async () => {
        for await (const _ of stream) setTimeout(() => ac.abort(), 5);
      })(),
    );
    assert.ok(!(err instanceof GatewayError), `the abort itself, got ${String(err)}`);
    await waitFor(() => cutResponses > cutBefore);
  });

  test("a consumer that stops early cuts the upstream response", async () => {
    handler = pieces([ev(chunkJson("a")) + ev(chunkJson("b"))], { end: false });
    const cutBefore = cutResponses;
    const stream = await open();
    for await (const _ of stream) break;
    await waitFor(() => cutResponses > cutBefore);
  });
});

async function waitFor(cond: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) assert.fail("timed out waiting");
    await sleep(5);
  }
}
