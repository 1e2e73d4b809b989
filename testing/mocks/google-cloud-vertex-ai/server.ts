/**
 * A mock Vertex AI (Gemini) on 127.0.0.1, with its own Google OAuth token endpoint.
 *
 * - `POST /token`: Google's JWT-bearer grant. The assertion is verified (RS256 signature
 *   with the service account's public key, `iss` = client_email, `aud` = this token_uri,
 *   `scope` = cloud-platform, `exp` ≤ `iat` + 1 h, `kid` = private_key_id) and answered
 *   `{access_token, expires_in, token_type:"Bearer"}`; failures are Google's
 *   `{"error":"invalid_grant","error_description":…}`.
 * - `POST /{v1|v1beta1}/projects/{p}/locations/{r}/publishers/google/models/{m}:generateContent`,
 *   `:streamGenerateContent?alt=sse` (without `alt=sse`: a JSON array, as Vertex does) and
 *   `:predict` (text embeddings). A bearer token the mock did not issue, or one that has
 *   expired, is a 401 UNAUTHENTICATED in Google's error shape; another project is a 403.
 * Every request is recorded, token fetches too (`isTokenRequest` tells them apart).
 */
import type { ServerResponse } from "node:http";
import { jwtVerify } from "jose";
import { sendJson, startMockServer, tick, type MockServer, type RecordedRequest } from "../mock-server.js";
import type { MockReply } from "../scenario.js";
import { MOCK_KEY_ID, MOCK_PROJECT, MOCK_REGION, clientEmailOf, serviceAccountKeyFor, sharedKeyPair, type MockKeyPair, type ServiceAccountKeyJson } from "./keys.js";
import { DEFAULT_EMBED_DIMS, errorBody, renderPredict, renderResponse, renderStream } from "./render.js";
import { checkGenerateContent } from "./validate.js";

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

export interface MockVertexOptions {
  project?: string;
  region?: string;
  keyPair?: MockKeyPair;
  /** `expires_in` of issued tokens, seconds (default 3599). */
  expiresIn?: number;
  /** Sign the first function call of every answer and require the signature back in later turns (Gemini 3's rule). */
  functionCallSignatures?: boolean;
  /** Give function calls ids (v1beta1 style). */
  functionCallIds?: boolean;
}

/** Settings a test may change while the mock runs. */
export interface MockVertexSettings {
  expiresIn: number;
  /** Answer token requests with this error instead. */
  tokenError: { status: number; error: string; description: string } | undefined;
  /** Pause between stream chunks, ms (0: just yield to the event loop), to let a test leave mid-stream. */
  streamDelayMs: number;
}

export interface MockVertex extends MockServer {
  /** The service-account key JSON whose token_uri is this mock's `/token`. */
  serviceAccountKey(): ServiceAccountKeyJson;
  readonly settings: MockVertexSettings;
  /** Access tokens issued so far, oldest first. */
  readonly issuedTokens: readonly string[];
  /** Forgets every issued token: the next model call with one of them is a 401. */
  revokeTokens(): void;
  /** Model calls only (token fetches left out). */
  modelCalls(): RecordedRequest[];
}

const MODEL_PATH = /^\/(v1|v1beta1)\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/google\/models\/([^/:]+):(generateContent|streamGenerateContent|predict)$/;

/** Whether a recorded request is a token fetch rather than a model call. */
export function isTokenRequest(req: RecordedRequest): boolean {
  return req.path === "/token";
}

function googleError(res: ServerResponse, status: number, message: string, type?: string): void {
  sendJson(res, status, errorBody({ status, message, ...(type ? { type } : {}) }));
}

function candidateCountOf(body: unknown): number {
  const gc = body && typeof body === "object" ? (body as Record<string, unknown>)["generationConfig"] : undefined;
  const n = gc && typeof gc === "object" ? (gc as Record<string, unknown>)["candidateCount"] : undefined;
  return typeof n === "number" && Number.isInteger(n) && n > 0 ? n : 1;
}

export async function startMockVertex(opts: MockVertexOptions = {}): Promise<MockVertex> {
  const project = opts.project ?? MOCK_PROJECT;
  const region = opts.region ?? MOCK_REGION;
  const keys = opts.keyPair ?? sharedKeyPair();
  const settings: MockVertexSettings = { expiresIn: opts.expiresIn ?? 3599, tokenError: undefined, streamDelayMs: 0 };
  const tokens = new Map<string, number>(); // token → expiry (ms)
  const issued: string[] = [];
  const signatures = new Set<string>();
  let url = "";
  let counter = 0;

  async function token(req: RecordedRequest, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(req.raw.toString("utf8"));
    const invalid = (description: string) => sendJson(res, 400, { error: "invalid_grant", error_description: description });
    if (settings.tokenError) {
      const e = settings.tokenError;
      sendJson(res, e.status, { error: e.error, error_description: e.description });
      return;
    }
    if (!String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) return invalid("Expected a form body.");
    if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") {
      sendJson(res, 400, { error: "unsupported_grant_type", error_description: "Invalid grant_type." });
      return;
    }
    const assertion = form.get("assertion") ?? "";
    try {
      const { payload, protectedHeader } = await jwtVerify(assertion, keys.publicKey, {
        algorithms: ["RS256"],
        issuer: clientEmailOf(project),
        audience: `${url}/token`,
        requiredClaims: ["iat", "exp", "scope"],
      });
      if (protectedHeader.kid !== undefined && protectedHeader.kid !== MOCK_KEY_ID) return invalid("Invalid key id.");
      const scopes = typeof payload["scope"] === "string" ? payload["scope"].split(" ") : [];
      if (!scopes.includes(CLOUD_PLATFORM_SCOPE)) return invalid("Invalid OAuth scope or ID token audience provided.");
      if ((payload.exp ?? 0) - (payload.iat ?? 0) > 3600) return invalid("Invalid JWT: Token must be a short-lived token (60 minutes).");
    } catch {
      return invalid("Invalid JWT Signature.");
    }
    const value = `ya29.mock-${++counter}-${Math.random().toString(36).slice(2)}`;
    tokens.set(value, Date.now() + settings.expiresIn * 1000);
    issued.push(value);
    sendJson(res, 200, { access_token: value, expires_in: settings.expiresIn, token_type: "Bearer" });
  }

  function authorized(req: RecordedRequest, res: ServerResponse): boolean {
    const auth = String(req.headers["authorization"] ?? "");
    const value = auth.startsWith("Bearer ") ? auth.slice(7) : "";
    const expiry = tokens.get(value);
    if (expiry === undefined || expiry < Date.now()) {
      googleError(
        res,
        401,
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
      );
      return false;
    }
    return true;
  }

  async function stream(req: RecordedRequest, res: ServerResponse, reply: MockReply, model: string): Promise<void> {
    const sig = opts.functionCallSignatures && reply.toolCalls?.length ? `fcsig-${++counter}` : undefined;
    if (sig) signatures.add(sig);
    const chunks = renderStream(reply, { candidates: candidateCountOf(req.json), modelVersion: model, functionCallSignature: sig, functionCallIds: opts.functionCallIds });
    if (req.query.get("alt") !== "sse") {
      sendJson(res, 200, chunks);
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    for (const [i, c] of chunks.entries()) {
      if (res.destroyed) return;
      res.write(`data: ${JSON.stringify(c)}\r\n\r\n`);
      await (settings.streamDelayMs > 0 ? new Promise((r) => setTimeout(r, settings.streamDelayMs)) : tick());
      if (i === 0 && reply.midStreamError) {
        res.end(`data: ${JSON.stringify(errorBody(reply.midStreamError))}\r\n\r\n`);
        return;
      }
      if (i === 0 && reply.truncate) {
        res.end();
        return;
      }
    }
    res.end();
  }

  const server = await startMockServer(async ({ req, res, reply }) => {
    if (req.method === "POST" && req.path === "/token") return token(req, res);
    const m = MODEL_PATH.exec(req.path);
    if (req.method !== "POST" || !m) return googleError(res, 404, `The requested URL ${req.path} was not found on this server.`);
    if (!authorized(req, res)) return;
    const [, , p, r, model, method] = m as unknown as [string, string, string, string, string, string];
    if (decodeURIComponent(p) !== project) {
      return googleError(res, 403, `Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/${p}/locations/${r}/publishers/google/models/${model}' (or it may not exist).`);
    }
    if (decodeURIComponent(r) !== region) return googleError(res, 404, `Publisher Model \`projects/${p}/locations/${r}/publishers/google/models/${model}\` was not found.`);
    if (method !== "predict") {
      // Vertex checks the request before anything else; a bad one never reaches the model.
      const problem = checkGenerateContent(req.json, opts.functionCallSignatures ? signatures : undefined);
      if (problem) return googleError(res, 400, problem);
    }
    const next = reply();
    if (next.error) {
      const body = errorBody(next.error);
      // Vertex's stream endpoint without alt=sse wraps errors in a list.
      sendJson(res, next.error.status, method === "streamGenerateContent" && req.query.get("alt") !== "sse" ? [body] : body);
      return;
    }
    if (method === "predict") {
      const body = (req.json ?? {}) as { instances?: unknown; parameters?: { outputDimensionality?: unknown } };
      const instances = Array.isArray(body.instances) ? (body.instances as unknown[]) : [];
      if (instances.length === 0 || !instances.every((i) => i && typeof i === "object" && typeof (i as Record<string, unknown>)["content"] === "string")) {
        return googleError(res, 400, "Invalid instances: each instance needs a string content.");
      }
      const dims = body.parameters?.outputDimensionality;
      sendJson(res, 200, renderPredict(instances as Array<{ content: string }>, typeof dims === "number" ? dims : DEFAULT_EMBED_DIMS));
      return;
    }
    if (method === "streamGenerateContent") return stream(req, res, next, model);
    const sig = opts.functionCallSignatures && next.toolCalls?.length ? `fcsig-${++counter}` : undefined;
    if (sig) signatures.add(sig);
    sendJson(res, 200, renderResponse(next, { candidates: candidateCountOf(req.json), modelVersion: model, functionCallSignature: sig, functionCallIds: opts.functionCallIds }));
  });
  url = server.url;

  return Object.assign(server, {
    serviceAccountKey: () => serviceAccountKeyFor(url, project, keys),
    settings,
    issuedTokens: issued,
    revokeTokens: () => tokens.clear(),
    modelCalls: () => server.requests.filter((r) => !isTokenRequest(r)),
  });
}
