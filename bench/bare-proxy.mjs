// The floor: node:http in, one undici Pool out, bytes piped both ways, nothing parsed.
// Plain JS so no loader runs. usage: node bench/bare-proxy.mjs <port> <upstream origin>
import { createServer } from "node:http";
import { Pool } from "undici";

const [port, origin] = process.argv.slice(2);
const pool = new Pool(origin, { keepAliveTimeout: 30_000 }); // as many connections as requests in flight
// host and the hop-by-hop headers belong to the inbound connection only.
const DROP = new Set(["host", "connection", "keep-alive", "transfer-encoding", "upgrade", "expect"]);

createServer({ keepAlive: true, noDelay: true }, (req, res) => {
  const headers = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (!DROP.has(raw[i].toLowerCase())) headers.push(raw[i], raw[i + 1]);
  pool.stream(
    { path: req.url, method: req.method, headers, body: req },
    ({ statusCode, headers: up }) => {
      res.writeHead(statusCode, { "content-type": up["content-type"] ?? "application/octet-stream" });
      return res;
    },
    (err) => {
      if (err === null) return;
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `bare-proxy: ${err.message}` } }));
    },
  );
}).listen(Number(port), "127.0.0.1", () => process.stdout.write(`bare-proxy listening on 127.0.0.1:${port}\n`));
process.on("SIGTERM", () => process.exit(0));
