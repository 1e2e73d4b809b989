/**
 * Outbound network settings for upstream calls: which undici dispatcher a served entity's
 * requests go through.
 *
 * - An HTTP(S) proxy: the entity's `network.proxy_url` (undici's `ProxyAgent`, which
 *   tunnels with CONNECT), else the process's `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`
 *   (undici's `EnvHttpProxyAgent`, read once from the environment the gateway started with).
 * - TLS towards the upstream: a CA bundle to trust instead of the system's
 *   (`network.tls_ca_bundle`, PEM) and a client certificate for mutual TLS
 *   (`network.tls_client_cert` and the credential `network.tls_client_key`, PEM).
 *
 * With none of these, `undefined` is returned and calls use the shared pooled agent of
 * http.ts. A dispatcher built here has the same keep-alive and timeouts as that agent; the
 * provider owns it and closes it with its other resources.
 */
import { Agent, EnvHttpProxyAgent, ProxyAgent, type Dispatcher } from "undici";

/** An entity's `network` block, checked (config/network-config.ts), with the key resolved. */
export interface NetworkSettings {
  proxyUrl?: string;
  caBundle?: string;
  clientCert?: string;
  clientKey?: string;
}

/** The proxy variables of the environment the gateway runs in (either case, as curl reads them). */
export interface ProxyEnv {
  httpsProxy: string | undefined;
  httpProxy: string | undefined;
  noProxy: string | undefined;
}

/** Reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY (or their lower-case spellings) from an environment. */
export function proxyEnvOf(env: NodeJS.ProcessEnv): ProxyEnv {
  const get = (name: string) => env[name] || env[name.toLowerCase()] || undefined;
  return { httpsProxy: get("HTTPS_PROXY"), httpProxy: get("HTTP_PROXY"), noProxy: get("NO_PROXY") };
}

/** Mirrors http.ts's agent: pooled keep-alive connections, generous LLM timeouts. */
const POOL: Agent.Options = {
  keepAliveTimeout: 30_000,
  keepAliveMaxTimeout: 600_000,
  headersTimeout: 600_000,
  bodyTimeout: 600_000,
  connections: null,
};

function tlsOf(s: NetworkSettings | undefined): { ca?: string; cert?: string; key?: string } | undefined {
  if (!s || (s.caBundle === undefined && s.clientCert === undefined && s.clientKey === undefined)) return undefined;
  return {
    ...(s.caBundle !== undefined ? { ca: s.caBundle } : {}),
    ...(s.clientCert !== undefined ? { cert: s.clientCert } : {}),
    ...(s.clientKey !== undefined ? { key: s.clientKey } : {}),
  };
}

/**
 * The dispatcher for one served entity, or undefined for the shared default agent.
 *
 * @example
 *   buildDispatcher({ proxyUrl: "http://proxy.internal:3128" }, proxyEnvOf({})) // a ProxyAgent
 *   buildDispatcher(undefined, proxyEnvOf({})) // undefined: the shared agent
 */
export function buildDispatcher(s: NetworkSettings | undefined, env: ProxyEnv): Dispatcher | undefined {
  const tls = tlsOf(s);
  if (s?.proxyUrl) return new ProxyAgent({ ...POOL, uri: s.proxyUrl, ...(tls ? { requestTls: tls } : {}) });
  if (env.httpsProxy || env.httpProxy) {
    return new EnvHttpProxyAgent({
      ...POOL,
      ...(env.httpProxy ? { httpProxy: env.httpProxy } : { httpProxy: "" }),
      ...(env.httpsProxy ? { httpsProxy: env.httpsProxy } : { httpsProxy: "" }),
      noProxy: env.noProxy ?? "",
      ...(tls ? { connect: tls, requestTls: tls } : {}),
    });
  }
  if (tls) return new Agent({ ...POOL, connect: tls });
  return undefined;
}

const UNTRUSTED = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "CERT_UNTRUSTED",
]);

/**
 * A hint for a TLS failure code, appended to "Could not reach …": what to set in the
 * entity's `network` block. Empty for any other failure.
 *
 * @example tlsHint("SELF_SIGNED_CERT_IN_CHAIN") // " (the upstream's certificate is not trusted: give its CA as network.tls_ca_bundle)"
 */
export function tlsHint(code: string): string {
  if (UNTRUSTED.has(code)) return " (the upstream's certificate is not trusted: give its CA as network.tls_ca_bundle)";
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return " (the upstream's certificate is for another host name)";
  if (code === "CERT_HAS_EXPIRED") return " (the upstream's certificate has expired)";
  if (/CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|BAD_CERTIFICATE|UNKNOWN_CA/.test(code)) {
    return " (the upstream refused the TLS handshake: it may want a client certificate, network.tls_client_cert and network.tls_client_key)";
  }
  return "";
}
