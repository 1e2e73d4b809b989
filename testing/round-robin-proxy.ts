/**
 * A loopback round-robin HTTP load balancer for tests, behaving like the nginx config in
 * docs/deploy.md: a backend whose connection is refused is taken out for `failTimeoutMs`
 * and the request goes to the next one (it never reached a replica); a request that did
 * reach a backend is never sent again (a model call is not repeated) — its failure is a 502.
 */
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RoundRobinProxy {
  url: string;
  /** Requests each backend answered, by index. */
  answered: number[];
  close(): Promise<void>;
}

export async function startRoundRobinProxy(backends: string[], failTimeoutMs = 5_000, tries = 2): Promise<RoundRobinProxy> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const downUntil = backends.map(() => 0);
  const answered = backends.map(() => 0);
  let next = 0;
  const pick = (): number => {
    const now = Date.now();
    for (let i = 0; i < backends.length; i++) {
      const k = (next + i) % backends.length;
      if (downUntil[k]! <= now) {
        next = k + 1;
        return k;
      }
    }
    return next++ % backends.length;
  };
  const forward = (body: Buffer, req: IncomingMessage, res: ServerResponse, left: number) => {
    const k = pick();
    const target = new URL(req.url ?? "/", backends[k]);
    const up = request(target, { method: req.method, headers: { ...req.headers, host: target.host }, agent }, (r) => {
      answered[k]!++;
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ECONNREFUSED") {
        downUntil[k] = Date.now() + failTimeoutMs;
        if (left > 1) return forward(body, req, res, left - 1);
      }
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" }).end(`bad gateway: ${err.code ?? "error"}`);
      else res.destroy();
    });
    up.end(body);
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => forward(Buffer.concat(chunks), req, res, tries));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answered,
    async close() {
      server.closeAllConnections();
      agent.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
