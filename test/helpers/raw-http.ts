/**
 * HTTP/1.1 over a raw TCP socket, for what `fetch` cannot send: broken framing, huge or
 * missing headers, bodies dribbled a byte at a time, several requests queued on one
 * keep-alive connection.
 */
import { connect, type Socket } from "node:net";

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  json: unknown;
}

export interface RawConnection {
  socket: Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves when the server closed the connection, with the time it took from `open`. */
  closed: Promise<number>;
  write(data: string | Buffer): void;
  /** The responses received so far, parsed (Content-Length framed bodies). */
  responses(): RawResponse[];
  close(): void;
}

export function openRaw(baseUrl: string): Promise<RawConnection> {
  const u = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: u.hostname, port: Number(u.port) });
    const started = Date.now();
    let buf = "";
    socket.setEncoding("latin1");
    socket.on("data", (d: string) => (buf += d));
    socket.on("error", () => undefined);
    const closed = new Promise<number>((r) => socket.once("close", () => r(Date.now() - started)));
    socket.once("connect", () =>
      resolve({
        socket,
        received: () => buf,
        closed,
        write: (data) => {
          if (!socket.destroyed) socket.write(data);
        },
        responses: () => parseResponses(buf),
        close: () => socket.destroy(),
      }),
    );
    socket.once("error", reject);
  });
}

/** Parses the Content-Length framed responses in `text`. */
export function parseResponses(text: string): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = text;
  for (;;) {
    const end = rest.indexOf("\r\n\r\n");
    if (end < 0) return out;
    const [statusLine, ...lines] = rest.slice(0, end).split("\r\n");
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? "")?.[1]);
    const headers: Record<string, string> = {};
    for (const l of lines) {
      const i = l.indexOf(":");
      if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    const len = Number(headers["content-length"] ?? 0);
    const bodyStart = end + 4;
    if (rest.length < bodyStart + len) return out;
    const body = Buffer.from(rest.slice(bodyStart, bodyStart + len), "latin1").toString("utf8");
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    out.push({ status, headers, body, json });
    rest = rest.slice(bodyStart + len);
  }
}

/** Sends `data` on a fresh connection and resolves with the responses once the server closes it (or after `waitMs`). */
export async function rawExchange(
  baseUrl: string,
  data: string | Buffer,
  waitMs = 3000,
  opts: { untilAnswered?: boolean } = {},
): Promise<{ responses: RawResponse[]; closedAfterMs: number | undefined }> {
  const c = await openRaw(baseUrl);
  c.write(data);
  let timer: NodeJS.Timeout | undefined;
  const answered = new Promise<undefined>((r) => {
    const started = Date.now();
    const poll = () => {
      if (Date.now() - started >= waitMs || (opts.untilAnswered && c.responses().length > 0)) return r(undefined);
      timer = setTimeout(poll, 10);
    };
    poll();
  });
  const closedAfterMs = await Promise.race([c.closed, answered]);
  clearTimeout(timer);
  c.close();
  return { responses: c.responses(), closedAfterMs };
}

/** Asserts-free shape checks: which family shape a parsed body has. */
export function shapeOf(json: unknown): "databricks" | "openai" | "oauth" | "other" {
  if (!json || typeof json !== "object" || Array.isArray(json)) return "other";
  const o = json as Record<string, unknown>;
  if (typeof o["error_code"] === "string" && typeof o["message"] === "string" && !("statusCode" in o)) return "databricks";
  const e = o["error"];
  if (e && typeof e === "object" && typeof (e as Record<string, unknown>)["message"] === "string" && typeof (e as Record<string, unknown>)["type"] === "string") return "openai";
  if (typeof e === "string" && typeof o["error_description"] === "string") return "oauth";
  return "other";
}
