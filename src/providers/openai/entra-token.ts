/**
 * Microsoft Entra ID client-credentials tokens for Azure OpenAI (`openai_api_type: azuread`).
 *
 * The token is fetched on first use, cached, and fetched again when less than five minutes
 * remain, so a long-lived endpoint never sends an expired token. Concurrent requests that
 * find no valid token share one fetch instead of stampeding the token endpoint.
 */
import type { Dispatcher } from "undici";
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import { joinUrl, sendUpstream } from "../openai-compatible/index.js";

const SCOPE = "https://cognitiveservices.azure.com/.default";
const REFRESH_MARGIN_MS = 5 * 60_000;

export interface EntraCredentials {
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** The entity's dispatcher (proxy, TLS), else the shared agent. */
  dispatcher?: Dispatcher | undefined;
}

export class EntraTokenSource {
  private token: { value: string; expiresAt: number } | undefined;
  private inflight: Promise<string> | undefined;

  constructor(
    private readonly creds: EntraCredentials,
    private readonly now: () => number = Date.now,
  ) {}

  /** A valid access token, from the cache or freshly fetched. */
  async get(): Promise<string> {
    if (this.token && this.token.expiresAt - REFRESH_MARGIN_MS > this.now()) return this.token.value;
    this.inflight ??= this.fetch().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetch(): Promise<string> {
    const url = joinUrl(this.creds.authorityHost, `${encodeURIComponent(this.creds.tenantId)}/oauth2/v2.0/token`);
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: this.creds.clientId,
      client_secret: this.creds.clientSecret,
      scope: SCOPE,
    });
    // The token fetch is not tied to one client's request: a client that goes away must
    // not fail the fetch that other requests wait on.
    let res;
    try {
      res = await sendUpstream({
        provider: "Microsoft Entra ID",
        method: "POST",
        url,
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: form.toString(),
        signal: AbortSignal.timeout(30_000),
        secrets: [this.creds.clientSecret],
        dispatcher: this.creds.dispatcher,
      });
    } catch (err) {
      // An error reply from the token endpoint is the gateway's upstream problem, not the
      // caller's, never the caller's own 401: a refusal (4xx) means the entity's client
      // credentials were rejected, a 5xx is a bad gateway (502). Transport failures keep
      // their kind (503 unreachable, 504 timeout).
      if (err instanceof GatewayError && err.upstream) {
        const kind = err.upstream.status < 500 ? ERROR_KINDS.UPSTREAM_CREDENTIALS_REJECTED : ERROR_KINDS.UPSTREAM_ERROR;
        throw new GatewayError(kind, `Could not get a Microsoft Entra ID token for Azure OpenAI. ${err.message}`, { upstream: err.upstream });
      }
      throw err;
    }
    const body = (await res.body.json().catch(() => undefined)) as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (!body || typeof body.access_token !== "string") {
      throw new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, "Microsoft Entra ID returned no access token.");
    }
    const expiresIn = Number(body.expires_in ?? 3600);
    this.token = { value: body.access_token, expiresAt: this.now() + (Number.isFinite(expiresIn) ? expiresIn : 3600) * 1000 };
    return body.access_token;
  }
}
