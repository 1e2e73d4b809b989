// The systems under test, each its own process on 127.0.0.1, all in front of one upstream:
// the upstream itself (direct), the bare proxy, Tessera, Tessera with its AI gateway on, Portkey.
// A system answers two paths: a plain chat (upstream /json/…) and a streamed one (/sse/…).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HOST, freePort, guard, rememberTempDir, spawnNode, waitReady, failure, type Child } from "./proc.js";

export const ADMIN_TOKEN = "bench-admin-token";
const UPSTREAM_KEY = "sk-bench";
const PORTKEY_ENTRY = "node_modules/@portkey-ai/gateway/build/start-server.js";
const JSON_HEADERS = { "content-type": "application/json" };

export type Kind = "plain" | "stream";

/** How the load reaches a system for one kind of request. */
export interface Route {
  url: string;
  headers: Record<string, string>;
  /** The `model` field the client sends. */
  model: string;
}

export interface System {
  key: SystemKey;
  child: Child;
  routes: Record<Kind, Route>;
}

export type SystemKey = "upstream" | "bare" | "tessera" | "governed" | "governed-pg" | "portkey";

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  rememberTempDir(dir);
  return dir;
}

/** The upstream itself, as a system: wrk straight at nginx. */
export function upstreamDirect(child: Child, origin: string): System {
  const route = (path: string): Route => ({ url: `${origin}${path}/v1/chat/completions`, headers: { ...JSON_HEADERS, authorization: `Bearer ${UPSTREAM_KEY}` }, model: "gpt-4o-mini" });
  return { key: "upstream", child, routes: { plain: route("/json"), stream: route("/sse") } };
}

export async function startBare(origin: string, nodeFlags: string[] = []): Promise<System> {
  const port = await freePort();
  const child = spawnNode("bare-proxy", [...nodeFlags, "bench/bare-proxy.mjs", String(port), origin]);
  await guard(child, () => waitReady(child, () => child.output().includes(`listening on ${HOST}:${port}`)));
  const route = (path: string): Route => ({
    url: `http://${HOST}:${port}${path}/v1/chat/completions`,
    headers: { ...JSON_HEADERS, authorization: `Bearer ${UPSTREAM_KEY}` },
    model: "gpt-4o-mini",
  });
  return { key: "bare", child, routes: { plain: route("/json"), stream: route("/sse") } };
}

/**
 * The AI gateway of the governed system: usage tracking, the inference table, a rate limit
 * that is checked on every request and never reached, and one input guardrail (a keyword
 * list, which needs no judge model).
 */
export const GOVERNED_AI_GATEWAY = {
  usage_tracking_config: { enabled: true },
  inference_table_config: { enabled: true },
  rate_limits: [{ calls: 1_000_000_000, key: "endpoint", renewal_period: "minute" }],
  guardrails: { input: { invalid_keywords: ["bench-forbidden-word"] } },
};

export interface TesseraOptions {
  aiGateway?: Record<string, unknown>;
  /** Extra endpoints configured besides the two the load uses (for the scale cell). */
  extraEndpoints?: number;
  /** Overrides the upstream model name (the Node mock reads behaviours from it). */
  upstreamModel?: string;
  /** Replaces the two upstream bases (default `<origin>/json/v1`, `<origin>/sse/v1`). */
  bases?: Record<Kind, string>;
  key?: SystemKey;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeFlags?: string[];
  /** `--database-url`: every table on this PostgreSQL instead of the data dir's SQLite file. */
  databaseUrl?: string;
  /** Another build's `bin/tessera.js` (an A/B of two builds); default this checkout's. */
  entry?: string;
}

function endpoint(name: string, base: string, model: string, aiGateway?: Record<string, unknown>): Record<string, unknown> {
  return {
    name,
    ...(aiGateway ? { ai_gateway: aiGateway } : {}),
    config: {
      served_entities: [
        {
          external_model: {
            name: model,
            provider: "openai",
            task: "llm/v1/chat",
            openai_config: { openai_api_base: base, openai_api_key: "{{secrets/bench/upstream}}" },
          },
        },
      ],
    },
  };
}

/** Tessera from dist/ (`node bin/tessera.js serve`), a fresh data dir, endpoints from a config file. */
export async function startTessera(origin: string, o: TesseraOptions = {}): Promise<System> {
  const port = await freePort();
  const dir = tempDir("tessera-bench-");
  const bases = o.bases ?? { plain: `${origin}/json/v1`, stream: `${origin}/sse/v1` };
  const model = o.upstreamModel ?? "gpt-4o-mini";
  const endpoints = [endpoint("bench-plain", bases.plain, model, o.aiGateway), endpoint("bench-stream", bases.stream, model, o.aiGateway)];
  for (let i = 0; i < (o.extraEndpoints ?? 0); i++) endpoints.push(endpoint(`bench-extra-${i}`, bases.plain, model, o.aiGateway));
  const configFile = join(dir, "tessera.yaml");
  // JSON is YAML; the key comes from the environment, as a user would write it.
  writeFileSync(configFile, JSON.stringify({ secrets: [{ scope: "bench", key: "upstream", value: "${BENCH_UPSTREAM_KEY}" }], endpoints }));
  const args = [...(o.nodeFlags ?? []), o.entry ?? "bin/tessera.js", "serve", "--host", HOST, "--port", String(port), "--data-dir", join(dir, "data"), "--config", configFile, ...(o.databaseUrl ? ["--database-url", o.databaseUrl] : [])];
  const child = spawnNode(o.key ?? "tessera", args, { TESSERA_ADMIN_TOKEN: ADMIN_TOKEN, TESSERA_LOG_LEVEL: "warn", BENCH_UPSTREAM_KEY: UPSTREAM_KEY });
  const base = `http://${HOST}:${port}`;
  const startMs = 60_000 + (o.extraEndpoints ?? 0) * 30;
  await guard(child, () => waitReady(child, () => child.output().includes(`Tessera listening on ${base}`), startMs));
  const route = (name: string): Route => ({
    url: `${base}/serving-endpoints/chat/completions`,
    headers: { ...JSON_HEADERS, authorization: `Bearer ${ADMIN_TOKEN}` },
    model: name,
  });
  return { key: o.key ?? (o.aiGateway ? "governed" : "tessera"), child, routes: { plain: route("bench-plain"), stream: route("bench-stream") } };
}

/** The Portkey gateway (takes only `--port=<p>`), kept on loopback by a preload. */
export async function startPortkey(origin: string): Promise<System> {
  const port = await freePort();
  const child = spawnNode("portkey", ["--import", "./bench/loopback-only.mjs", PORTKEY_ENTRY, `--port=${port}`, "--headless"]);
  const base = `http://${HOST}:${port}`;
  await guard(child, async () => {
    await waitReady(child, async () => {
      try {
        const res = await fetch(`${base}/`);
        await res.text();
        return res.status === 200;
      } catch {
        return false;
      }
    });
    if (child.exitInfo() !== null) throw failure(child, "exited");
  });
  const route = (path: string): Route => ({
    url: `${base}/v1/chat/completions`,
    headers: { ...JSON_HEADERS, authorization: `Bearer ${UPSTREAM_KEY}`, "x-portkey-provider": "openai", "x-portkey-custom-host": `${origin}${path}/v1` },
    model: "gpt-4o-mini",
  });
  return { key: "portkey", child, routes: { plain: route("/json"), stream: route("/sse") } };
}

/** The request body: one short user message, or one of about `bytes` bytes. */
export function chatBody(model: string, kind: Kind, bytes = 0): string {
  const content = bytes > 0 ? "x".repeat(Math.max(1, bytes - 120)) : "Say hello";
  return JSON.stringify({ model, messages: [{ role: "user", content }], max_tokens: 32, ...(kind === "stream" ? { stream: true } : {}) });
}

/** One request of each kind must come back right before any load: a chat.completion, a stream ending in [DONE]. */
export async function verify(sys: System, kind: Kind, body: string): Promise<void> {
  const r = sys.routes[kind];
  const res = await fetch(r.url, { method: "POST", headers: r.headers, body, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  const ok = res.status === 200 && (kind === "plain" ? text.includes('"chat.completion"') : text.trimEnd().endsWith("data: [DONE]"));
  if (!ok) throw new Error(`${sys.key} ${kind}: answered ${res.status}: ${text.slice(0, 300)}`);
}
