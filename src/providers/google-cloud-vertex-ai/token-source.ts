/**
 * OAuth2 access tokens for Vertex AI from a service-account key (Google's "JWT bearer"
 * grant): a JWT signed RS256 with the key, posted to the key's `token_uri`, answered by
 * `{access_token, expires_in}`.
 *
 * The token is fetched on first use, cached, and fetched again once less than five minutes
 * remain, so a long-lived endpoint never sends an expired token. Concurrent requests that
 * find no valid token share one fetch instead of stampeding the token endpoint. A failed
 * fetch is not cached: the next request tries again. A token Vertex refused (401) is
 * dropped by `invalidate`, so the next request signs in afresh.
 */
import type { Dispatcher } from "undici";
import { importPKCS8, SignJWT } from "jose";
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import { sendUpstream, type ErrorReader, type UpstreamErrorReply } from "../common/http.js";
import type { ServiceAccountKey } from "./config.js";

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const REFRESH_MARGIN_MS = 5 * 60_000;
const ASSERTION_LIFETIME_S = 3600;
const FETCH_TIMEOUT_MS = 30_000;
const PROVIDER = "Google OAuth";

type SigningKey = Awaited<ReturnType<typeof importPKCS8>>;

/** Google's token endpoint answers errors as `{"error":"invalid_grant","error_description":"…"}`. */
const tokenErrors: ErrorReader = {
  message(reply: UpstreamErrorReply) {
    const b = reply.body;
    if (!b || typeof b !== "object") return undefined;
    const o = b as Record<string, unknown>;
    const code = typeof o["error"] === "string" ? o["error"] : undefined;
    const desc = typeof o["error_description"] === "string" ? o["error_description"] : undefined;
    if (code && desc) return `${code}: ${desc}`;
    return desc ?? code;
  },
};

/** Every form the key material can take in upstream text, so `scrub` finds it. */
function keySecrets(key: ServiceAccountKey, rawKey: string): string[] {
  const pem = key.privateKey;
  const body = pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
  return [rawKey, pem, JSON.stringify(pem).slice(1, -1), body];
}

export class GoogleTokenSource {
  private token: { value: string; expiresAt: number } | undefined;
  private inflight: Promise<string> | undefined;
  private signingKey: Promise<SigningKey> | undefined;
  /** Credential values to scrub from any error text: the key in its several spellings. */
  readonly secrets: readonly string[];

  constructor(
    private readonly key: ServiceAccountKey,
    rawKey: string,
    private readonly now: () => number = Date.now,
    /** The entity's dispatcher (proxy, TLS) for the token endpoint too, else the shared agent. */
    private readonly dispatcher?: Dispatcher,
  ) {
    this.secrets = keySecrets(key, rawKey);
  }

  /** A valid access token, from the cache or freshly fetched. */
  async get(): Promise<string> {
    if (this.token && this.token.expiresAt - REFRESH_MARGIN_MS > this.now()) return this.token.value;
    this.inflight ??= this.fetch().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Forgets `token` if it is still the cached one (Vertex refused it). */
  invalidate(token: string): void {
    if (this.token?.value === token) this.token = undefined;
  }

  private async assertion(): Promise<string> {
    this.signingKey ??= importPKCS8(this.key.privateKey, "RS256").catch((err: unknown) => {
      this.signingKey = undefined;
      throw err;
    });
    let signingKey: SigningKey;
    try {
      signingKey = await this.signingKey;
    } catch {
      // parseServiceAccountKey already read this key, so this is not the caller's fault.
      throw new GatewayError(ERROR_KINDS.INTERNAL, "The Vertex AI service-account private_key could not be used to sign in.");
    }
    const iat = Math.floor(this.now() / 1000);
    const header: { alg: "RS256"; typ: "JWT"; kid?: string } = { alg: "RS256", typ: "JWT" };
    if (this.key.privateKeyId) header.kid = this.key.privateKeyId;
    return new SignJWT({ scope: CLOUD_PLATFORM_SCOPE })
      .setProtectedHeader(header)
      .setIssuer(this.key.clientEmail)
      .setAudience(this.key.tokenUri)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ASSERTION_LIFETIME_S)
      .sign(signingKey);
  }

  private async fetch(): Promise<string> {
    const assertion = await this.assertion();
    const secrets = [...this.secrets, assertion];
    let res;
    try {
      // Not tied to one client's request: a client that goes away must not fail the
      // fetch other requests are waiting on.
      res = await sendUpstream({
        provider: PROVIDER,
        method: "POST",
        url: this.key.tokenUri,
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams({ grant_type: JWT_BEARER, assertion }).toString(),
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
        secrets,
        errors: tokenErrors,
        dispatcher: this.dispatcher,
      });
    } catch (err) {
      // A refusal (4xx) by the token endpoint means the service-account key is not good:
      // the entity's credentials were rejected, never the caller's own 401; its 5xx is the
      // upstream's fault (502); transport failures keep their kind (503 unreachable, 504).
      if (err instanceof GatewayError && err.upstream) {
        const kind = err.upstream.status < 500 ? ERROR_KINDS.UPSTREAM_CREDENTIALS_REJECTED : ERROR_KINDS.UPSTREAM_ERROR;
        throw new GatewayError(kind, `Could not get a Google access token for Vertex AI. ${err.message}`, { upstream: err.upstream });
      }
      if (err instanceof GatewayError) {
        throw new GatewayError(err.kind, `Could not get a Google access token for Vertex AI. ${err.message}`, { status: err.status });
      }
      throw err;
    }
    const body = (await res.body.json().catch(() => undefined)) as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (!body || typeof body.access_token !== "string" || !body.access_token) {
      throw new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, "Google's token endpoint returned no access token for Vertex AI.");
    }
    const expiresIn = Number(body.expires_in ?? 3600);
    const seconds = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600;
    this.token = { value: body.access_token, expiresAt: this.now() + seconds * 1000 };
    return body.access_token;
  }
}
