// Microsoft Entra ID client-credentials tokens, against a tiny token endpoint on 127.0.0.1
// standing in for `{authority}/{tenant}/oauth2/v2.0/token`.
// Run: node --import tsx --test src/providers/openai/entra-token.test.ts
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, test } from "node:test";
import { ERROR_KINDS } from "../../gateway/errors.js";
import { EntraTokenSource } from "./entra-token.js";
import type { EntraCredentials } from "./entra-token.js";
import { gatewayError } from "../../../testing/provider-test-helpers.js";

interface TokenHit {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  form: URLSearchParams;
}

interface TokenReply {
  status: number;
  /** undefined: omit `expires_in`. */
  expiresIn: number | string | undefined;
  delayMs: number;
  /** Replaces the whole reply body when set. */
  body?: string;
}

interface TokenServer {
  url: string;
  hits: TokenHit[];
  reply: TokenReply;
  close(): Promise<void>;
}

const DEFAULT_REPLY: TokenReply = { status: 200, expiresIn: 3599, delayMs: 0 };

async function startTokenServer(): Promise<TokenServer> {
  const ts: TokenServer = {
    url: "",
    hits: [],
    reply: { ...DEFAULT_REPLY },
    close: () => Promise.resolve(),
  };
  let issued = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      ts.hits.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, form });
      const r = ts.reply;
      setTimeout(() => {
        let body = r.body;
        if (body === undefined) {
          issued++;
          const o: Record<string, unknown> = { token_type: "Bearer", access_token: `tok-${issued}` };
          if (r.expiresIn !== undefined) o["expires_in"] = r.expiresIn;
          body = JSON.stringify(o);
        }
        res.writeHead(r.status, { "content-type": "application/json" }).end(body);
      }, r.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  ts.url = `http://127.0.0.1:${port}`;
  ts.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return ts;
}

const SECRET = "entra-client-secret-XYZ~123";

let ts: TokenServer;
function creds(over: Partial<EntraCredentials> = {}): EntraCredentials {
  return { authorityHost: ts.url, tenantId: "my-tenant", clientId: "my-client", clientSecret: SECRET, ...over };
}

before(async () => {
  ts = await startTokenServer();
});
after(async () => {
  await ts.close();
});
beforeEach(() => {
  ts.hits.length = 0;
  ts.reply = { ...DEFAULT_REPLY };
});

describe("EntraTokenSource", () => {
  test("posts the client-credentials form to {authority}/{tenant}/oauth2/v2.0/token", async () => {
    const tokens = new EntraTokenSource(creds());
    const token = await tokens.get();
    assert.match(token, /^tok-\d+$/);
    assert.equal(ts.hits.length, 1);
    const hit = ts.hits[0];
    assert.ok(hit);
    assert.equal(hit.method, "POST");
    assert.equal(hit.path, "/my-tenant/oauth2/v2.0/token");
    assert.equal(hit.headers["content-type"], "application/x-www-form-urlencoded");
    assert.deepEqual(Object.fromEntries(hit.form), {
      grant_type: "client_credentials",
      client_id: "my-client",
      client_secret: SECRET,
      scope: "https://cognitiveservices.azure.com/.default",
    });
  });

  test("an authority host with a trailing slash and a tenant needing encoding", async () => {
    const tokens = new EntraTokenSource(creds({ authorityHost: `${ts.url}/`, tenantId: "a b/c" }));
    await tokens.get();
    assert.equal(ts.hits[0]?.path, "/a%20b%2Fc/oauth2/v2.0/token");
  });

  test("a long-lived token is fetched once and cached", async () => {
    ts.reply.expiresIn = 3600;
    const tokens = new EntraTokenSource(creds());
    const a = await tokens.get();
    const b = await tokens.get();
    const c = await tokens.get();
    assert.equal(ts.hits.length, 1);
    assert.equal(a, b);
    assert.equal(b, c);
  });

  test("a token inside the five-minute refresh margin is fetched again on every call", async () => {
    ts.reply.expiresIn = 100;
    const tokens = new EntraTokenSource(creds());
    const a = await tokens.get();
    const b = await tokens.get();
    const c = await tokens.get();
    assert.equal(ts.hits.length, 3);
    assert.notEqual(a, b);
    assert.notEqual(b, c);
  });

  test("refreshes exactly when five minutes remain (injected clock)", async () => {
    ts.reply.expiresIn = 3600;
    let now = 1_000_000;
    const tokens = new EntraTokenSource(creds(), () => now);
    const first = await tokens.get();
    now += (3600 - 300) * 1000 - 1; // 1 ms before the margin
    assert.equal(await tokens.get(), first);
    assert.equal(ts.hits.length, 1);
    now += 1; // at the margin
    const second = await tokens.get();
    assert.notEqual(second, first);
    assert.equal(ts.hits.length, 2);
    // the new token is valid for a full hour from now
    now += (3600 - 300) * 1000 - 1;
    assert.equal(await tokens.get(), second);
    assert.equal(ts.hits.length, 2);
  });

  test("a missing expires_in counts as one hour; a string one is read as seconds", async () => {
    ts.reply.expiresIn = undefined;
    let now = 0;
    const a = new EntraTokenSource(creds(), () => now);
    const t1 = await a.get();
    now = 3299_000;
    assert.equal(await a.get(), t1);
    now = 3300_000;
    assert.notEqual(await a.get(), t1);
    assert.equal(ts.hits.length, 2);

    ts.hits.length = 0;
    ts.reply.expiresIn = "600";
    now = 0;
    const b = new EntraTokenSource(creds(), () => now);
    const t2 = await b.get();
    now = 299_000;
    assert.equal(await b.get(), t2);
    now = 300_000;
    assert.notEqual(await b.get(), t2);
    assert.equal(ts.hits.length, 2);
  });

  test("concurrent first calls share one fetch", async () => {
    ts.reply.delayMs = 50;
    const tokens = new EntraTokenSource(creds());
    const all = await Promise.all([tokens.get(), tokens.get(), tokens.get(), tokens.get(), tokens.get()]);
    assert.equal(ts.hits.length, 1);
    assert.equal(new Set(all).size, 1);
  });

  test("concurrent refreshes of an expiring token share one fetch", async () => {
    ts.reply.expiresIn = 3600;
    let now = 0;
    const tokens = new EntraTokenSource(creds(), () => now);
    const first = await tokens.get();
    now = 3600_000;
    ts.reply.delayMs = 30;
    const all = await Promise.all([tokens.get(), tokens.get(), tokens.get()]);
    assert.equal(ts.hits.length, 2);
    assert.equal(new Set(all).size, 1);
    assert.notEqual(all[0], first);
  });

  test("a token endpoint error is a GatewayError without the client secret, and the next call retries", async () => {
    ts.reply = {
      status: 401,
      expiresIn: 3600,
      delayMs: 20,
      body: JSON.stringify({
        error: { message: `AADSTS7000215: Invalid client secret provided: ${SECRET}`, code: "invalid_client" },
        error_description: `Invalid client secret provided: ${SECRET}`,
      }),
    };
    const tokens = new EntraTokenSource(creds());
    const [e1, e2] = await Promise.all([gatewayError(tokens.get()), gatewayError(tokens.get())]);
    assert.equal(ts.hits.length, 1, "concurrent callers share the failing fetch too");
    assert.equal(e1, e2);
    assert.equal(e1.kind, ERROR_KINDS.UPSTREAM_CREDENTIALS_REJECTED, "refused client credentials are the entity's, never the caller's 401");
    assert.equal(e1.status, 400);
    assert.match(e1.message, /Microsoft Entra ID \(HTTP 401\): AADSTS7000215: Invalid client secret provided: \[REDACTED\]/);
    assert.ok(!e1.message.includes(SECRET));
    assert.ok(!JSON.stringify(e1.upstream).includes(SECRET));

    ts.reply = { ...DEFAULT_REPLY };
    assert.match(await tokens.get(), /^tok-\d+$/);
    assert.equal(ts.hits.length, 2);
  });

  test("a plain-text token endpoint error echoing the secret is scrubbed", async () => {
    ts.reply = { status: 500, expiresIn: 3600, delayMs: 0, body: `boom client_secret=${SECRET}` };
    const err = await gatewayError(new EntraTokenSource(creds()).get());
    assert.equal(err.status, 502);
    assert.ok(!err.message.includes(SECRET));
    assert.match(err.message, /client_secret=\[REDACTED\]/);
  });

  test("a reply without access_token is a 502", async () => {
    ts.reply = { status: 200, expiresIn: 3600, delayMs: 0, body: JSON.stringify({ token_type: "Bearer" }) };
    const err = await gatewayError(new EntraTokenSource(creds()).get());
    assert.equal(err.kind, ERROR_KINDS.UPSTREAM_ERROR);
    assert.equal(err.status, 502);
    assert.match(err.message, /no access token/);
  });

  test("a reply that is not JSON is a 502", async () => {
    ts.reply = { status: 200, expiresIn: 3600, delayMs: 0, body: "<html>" };
    const err = await gatewayError(new EntraTokenSource(creds()).get());
    assert.equal(err.status, 502);
  });

  test("an unreachable token endpoint is a 503", async () => {
    const s = createServer();
    await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
    const { port } = s.address() as AddressInfo;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    const err = await gatewayError(new EntraTokenSource(creds({ authorityHost: `http://127.0.0.1:${port}` })).get());
    assert.equal(err.status, 503);
    assert.equal(err.kind, ERROR_KINDS.UPSTREAM_UNAVAILABLE);
    assert.ok(!err.message.includes(SECRET));
  });
});
