/**
 * The `network` block every provider config may hold (`anthropic_config.network`, …): an
 * outbound proxy, a CA bundle and a client certificate for the upstream's TLS. The client
 * key is a credential like the provider's own (`tls_client_key` as a secret reference, or
 * `tls_client_key_plaintext`); the rest is public and stored as given. Read here, once,
 * for every provider; the dispatcher is built from it in providers/common/network.ts.
 */
import { X509Certificate, createPrivateKey } from "node:crypto";
import type { JsonObject } from "../gateway/types.js";
import type { Issue } from "./credentials.js";

/** The block's key inside a provider config. */
export const NETWORK_KEY = "network";

/** Its credential fields, as dotted paths inside the provider config block. */
export const NETWORK_CREDENTIAL_FIELDS: readonly string[] = ["network.tls_client_key"];

const FIELDS = new Set(["proxy_url", "tls_ca_bundle", "tls_client_cert"]);

/** The checked block (the key, a credential, is resolved later). */
export interface NetworkConfig {
  proxyUrl?: string;
  caBundle?: string;
  clientCert?: string;
  /** Whether `tls_client_key` was given. */
  hasClientKey: boolean;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function certsOk(pem: string): boolean {
  const certs = pem.match(PEM_CERT);
  if (!certs) return false;
  try {
    for (const c of certs) new X509Certificate(c);
    return true;
  } catch {
    return false;
  }
}

/** Whether a PEM text is a private key node can read (checked once the key is resolved). */
export function privateKeyOk(pem: string): boolean {
  try {
    createPrivateKey(pem);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks `network` (credentials already taken out; `hasKey` tells whether the key was
 * given). `at` is the block's path for messages.
 *
 * @example
 *   parseNetworkConfig({ proxy_url: "http://proxy.internal:3128" }, false, "x.network")
 *   // { config: { proxyUrl: "http://proxy.internal:3128", hasClientKey: false } }
 */
export function parseNetworkConfig(raw: unknown, hasKey: boolean, at: string): { config: NetworkConfig | undefined } | { issue: Issue } {
  if (raw === undefined || raw === null) return hasKey ? { issue: { field: `${at}.tls_client_cert`, message: "is required with tls_client_key" } } : { config: undefined };
  if (typeof raw !== "object" || Array.isArray(raw)) return { issue: { field: at, message: "must be an object" } };
  const o = raw as JsonObject;
  for (const k of Object.keys(o)) {
    if (!FIELDS.has(k)) return { issue: { field: `${at}.${k}`, message: "is not a network setting; use proxy_url, tls_ca_bundle, tls_client_cert or tls_client_key" } };
  }
  const out: NetworkConfig = { hasClientKey: hasKey };
  const proxy = o["proxy_url"];
  if (proxy !== undefined && proxy !== null) {
    let u: URL | undefined;
    try {
      u = typeof proxy === "string" ? new URL(proxy) : undefined;
    } catch {
      u = undefined;
    }
    if (!u || (u.protocol !== "http:" && u.protocol !== "https:")) return { issue: { field: `${at}.proxy_url`, message: "must be an http(s) URL" } };
    // The config is shown back to anyone who can read the endpoint: a password has no place in it.
    if (u.username || u.password) return { issue: { field: `${at}.proxy_url`, message: "must not hold a user name or password" } };
    out.proxyUrl = proxy as string;
  }
  for (const [key, prop] of [["tls_ca_bundle", "caBundle"], ["tls_client_cert", "clientCert"]] as const) {
    const v = o[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== "string" || !certsOk(v)) return { issue: { field: `${at}.${key}`, message: "must be one or more PEM certificates (-----BEGIN CERTIFICATE-----…)" } };
    out[prop] = v;
  }
  if ((out.clientCert !== undefined) !== hasKey) {
    return { issue: { field: `${at}.${hasKey ? "tls_client_cert" : "tls_client_key"}`, message: "is required: a client certificate needs both tls_client_cert and tls_client_key" } };
  }
  return { config: out };
}
