// The floor for any Node gateway: node:http in, undici (keep-alive) out, nothing else.
// The (small) request body is read whole, then forwarded; the response body is streamed back.
// usage: node --import tsx bench/bare-proxy.ts --port <p> --upstream http://127.0.0.1:<mockport>
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { pipeline } from "node:stream";
import { parseArgs } from "node:util";
import { Agent, request } from "undici";

const { values } = parseArgs({ options: { port: { type: "string" }, upstream: { type: "string" } } });
const upstream = values.upstream ?? "http://127.0.0.1:9100";
const agent = new Agent({ keepAliveTimeout: 30_000 });
// host, plus the hop-by-hop headers that belong to the inbound connection only.
const DROP = new Set(["host", "connection", "keep-alive", "transfer-encoding", "upgrade", "expect", "proxy-connection"]);

function forwardHeaders(h: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !DROP.has(k)) out[k] = v;
  return out;
}

const server = createServer({ keepAlive: true, noDelay: true }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => forward(req, res, chunks.length === 0 ? null : Buffer.concat(chunks)));
});

function forward(req: IncomingMessage, res: ServerResponse, body: Buffer | null): void {
  request(upstream + (req.url ?? "/"), { method: req.method ?? "GET", headers: forwardHeaders(req.headers), body, dispatcher: agent }).then(
    (up) => {
      const ct = up.headers["content-type"];
      res.writeHead(up.statusCode, ct === undefined ? {} : { "content-type": ct });
      pipeline(up.body, res, () => undefined); // errors just end the exchange
    },
    (err: unknown) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `bare-proxy: ${err instanceof Error ? err.message : String(err)}` } }));
    },
  );
}
server.listen(Number(values.port ?? 0), "127.0.0.1", () => {
  const addr = server.address();
  process.stdout.write(`bare-proxy listening on http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : "?"}\n`);
});
for (const sig of ["SIGTERM", "SIGINT"] as const) process.on(sig, () => process.exit(0));
