/**
 * The connection side of the edge: deadlines for receiving a request, the caps on open
 * connections, and the parser's own errors — each refusal in the route family's error
 * shape with `Connection: close`.
 *
 * - Request deadline (`requestTimeoutMs`): Node's `requestTimeout` (and `headersTimeout`,
 *   the same value: the whole request, headers and body, must be in by then), checked
 *   every `connectionsCheckingInterval`; Node reports it as a client error, answered 408.
 * - Idle deadline (`idleTimeoutMs`): the socket timeout. When it fires on a request whose
 *   body is still coming, the client stalled: 408 and close. When it fires on a socket
 *   with no request in progress (nothing sent yet, or half a request line), it is closed.
 *   While the answer is being worked on (a slow upstream) or streamed, the client owes
 *   us nothing and the connection is left alone.
 * - Caps (`maxConnections`, `maxConnectionsPerClient`): counted on `connection`; a
 *   connection over a cap is marked, and its first request is answered 503 (over the
 *   total) or 429 (over the client's share) and closed — nginx's `limit_conn` behaviour,
 *   which needs the request line to know the route family. Past twice the total, Node's
 *   `maxConnections` drops new sockets outright, so marked connections stay bounded too.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ERROR_KINDS, GatewayError } from "../gateway/errors.js";
import { answerOnSocket, parserError, targetOf } from "./client-errors.js";
import type { EdgeLimits } from "./limits.js";

interface ConnectionState {
  address: string;
  /** Set when the connection is over a cap: its first request gets this error. */
  refusal: GatewayError | undefined;
  req: IncomingMessage | undefined;
  res: ServerResponse | undefined;
}

export interface ConnectionGuard {
  /** Options for `Fastify()` (server timeouts, parser error handler). */
  fastifyOptions: {
    requestTimeout: number;
    connectionTimeout: number;
    http: { headersTimeout: number; connectionsCheckingInterval: number; requireHostHeader: false };
    clientErrorHandler: (err: Error & { code?: string; rawPacket?: unknown }, socket: Socket) => void;
  };
  /** Attaches the connection tracking to the app's server (before it listens). */
  attach(server: Server): void;
  /**
   * The first `onRequest` step: remembers the request on its connection (for the deadline
   * handlers), and throws the refusal of a connection over a cap or a request without `Host`.
   */
  onRequest(request: FastifyRequest, reply: FastifyReply): void;
  /** Open connections now, for tests and diagnostics. */
  open(): number;
}

export function createConnectionGuard(limits: EdgeLimits): ConnectionGuard {
  const states = new WeakMap<Socket, ConnectionState>();
  const perClient = new Map<string, number>();
  let total = 0;

  const onConnection = (socket: Socket) => {
    const address = socket.remoteAddress ?? "";
    const mine = (perClient.get(address) ?? 0) + 1;
    perClient.set(address, mine);
    total++;
    let refusal: GatewayError | undefined;
    if (total > limits.maxConnections) {
      refusal = new GatewayError(ERROR_KINDS.SERVER_BUSY, `The server has reached its limit of ${limits.maxConnections} open connections; retry shortly.`, { retryAfter: "1" });
    } else if (mine > limits.maxConnectionsPerClient) {
      refusal = new GatewayError(ERROR_KINDS.TOO_MANY_CONNECTIONS, `This client address has reached its limit of ${limits.maxConnectionsPerClient} open connections.`, { retryAfter: "1" });
    }
    states.set(socket, { address, refusal, req: undefined, res: undefined });
    socket.once("close", () => {
      total--;
      const left = (perClient.get(address) ?? 1) - 1;
      if (left <= 0) perClient.delete(address);
      else perClient.set(address, left);
    });
  };

  const onTimeout = (socket: Socket) => {
    const st = states.get(socket);
    const { req, res } = st ?? {};
    const inFlight = req !== undefined && res !== undefined && !res.writableEnded;
    if (!inFlight) {
      // Nothing in progress: a connection that never sent (all of) a request, or an idle keep-alive.
      socket.destroy();
      return;
    }
    if (req.complete) return; // the answer is being worked on or streamed: the client is not idle
    if (res.headersSent) {
      socket.destroy();
      return;
    }
    const err = new GatewayError(ERROR_KINDS.REQUEST_TIMEOUT, `The request body stalled: nothing was received for ${limits.idleTimeoutMs} ms (--idle-timeout-ms).`);
    answerOnSocket(socket, err, req.url);
  };

  const clientErrorHandler = (err: Error & { code?: string; rawPacket?: unknown }, socket: Socket) => {
    if (err.code === "ECONNRESET" || socket.destroyed) return;
    const st = states.get(socket);
    const inFlight = st?.res !== undefined && !st.res.writableEnded;
    if (inFlight && st.res?.headersSent) {
      socket.destroy();
      return;
    }
    const url = targetOf(Buffer.isBuffer(err.rawPacket) ? err.rawPacket : undefined) ?? (inFlight ? st.req?.url : undefined);
    answerOnSocket(socket, parserError(err.code, limits.requestTimeoutMs), url);
  };

  return {
    fastifyOptions: {
      requestTimeout: limits.requestTimeoutMs,
      connectionTimeout: limits.idleTimeoutMs,
      http: {
        headersTimeout: limits.requestTimeoutMs,
        // Node checks the request deadline only this often (30 s by default): a tenth of it.
        connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(limits.requestTimeoutMs / 10))),
        // Checked in onRequest instead, so the refusal is in our shape.
        requireHostHeader: false,
      },
      clientErrorHandler,
    },
    attach(server) {
      server.maxConnections = limits.maxConnections * 2;
      server.on("connection", onConnection);
      server.on("timeout", onTimeout);
    },
    onRequest(request, reply) {
      const raw = request.raw;
      const st = states.get(raw.socket);
      if (st) {
        st.req = raw;
        st.res = reply.raw;
        if (st.refusal) throw st.refusal;
      }
      if (raw.httpVersion === "1.1" && !raw.headers.host) throw new GatewayError(ERROR_KINDS.MALFORMED_REQUEST, "The request has no Host header (HTTP/1.1 requires one).");
    },
    open: () => total,
  };
}
