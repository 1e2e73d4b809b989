/**
 * The HTTP side every provider mock shares: a loopback server, a record of each request
 * (method, path, query, headers, raw and parsed body), the reply queue, and a count of
 * clients that went away before the answer ended (to prove the gateway cancels upstream).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ReplyQueue, type MockReply } from "./scenario.js";

export interface RecordedRequest {
  method: string;
  /** The path without the query string, percent-decoding left as sent. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface MockHandlerContext {
  req: RecordedRequest;
  res: ServerResponse;
  /** The next scripted reply (or the default one). */
  reply(): MockReply;
}

export type MockHandler = (ctx: MockHandlerContext) => Promise<void> | void;

export interface MockServer {
  url: string;
  /** Every request received, oldest first. */
  readonly requests: RecordedRequest[];
  /** The last request received; throws when there was none. */
  last(): RecordedRequest;
  /** Scripts the answers to the next requests, in order. */
  enqueue(...replies: MockReply[]): void;
  /** Forgets recorded requests and queued replies. */
  reset(): void;
  /** Responses whose client went away before the response ended. */
  readonly disconnects: number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Starts a mock on 127.0.0.1 with a random port; `handle` answers every request. */
export async function startMockServer(handle: MockHandler): Promise<MockServer> {
  const requests: RecordedRequest[] = [];
  const queue = new ReplyQueue();
  let disconnects = 0;
  const server: Server = createServer((req, res) => {
    res.on("close", () => {
      if (!res.writableEnded) disconnects++;
    });
    void (async () => {
      const raw = await readBody(req);
      const url = new URL(req.url ?? "/", "http://mock");
      let json: unknown;
      try {
        json = raw.length ? JSON.parse(raw.toString("utf8")) : undefined;
      } catch {
        json = undefined;
      }
      const rec: RecordedRequest = { method: req.method ?? "GET", path: (req.url ?? "/").split("?")[0] as string, query: url.searchParams, headers: req.headers, raw, json };
      requests.push(rec);
      await handle({ req: rec, res, reply: () => queue.next() });
    })().catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: `mock failure: ${String(err)}` }));
      } else res.destroy();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    last() {
      const r = requests[requests.length - 1];
      if (!r) throw new Error("the mock received no request");
      return r;
    },
    enqueue: (...replies) => queue.enqueue(...replies),
    reset() {
      requests.length = 0;
      queue.clear();
    },
    get disconnects() {
      return disconnects;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Writes a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** Small pause between stream events, so they arrive in separate reads as they would from a real provider. */
export function tick(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
