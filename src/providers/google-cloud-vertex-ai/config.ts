/**
 * The `google_cloud_vertex_ai_config` block: which Google Cloud project and region serve
 * the model, where the Vertex AI API is, and the service-account key that signs in.
 *
 * The key is a credential (`private_key` as a secret reference, or `private_key_plaintext`):
 * the whole service-account key JSON Google issues. Its value is only known once secrets
 * are resolved, so it is read in `create()` by `parseServiceAccountKey`.
 */
import { createPrivateKey } from "node:crypto";
import { errors } from "../../gateway/errors.js";
import type { JsonObject } from "../../gateway/types.js";
import { ConfigReader } from "../openai-compatible/config.js";
import type { ConfigIssue } from "../provider.js";

export interface VertexConfig extends JsonObject {
  project_id: string;
  region: string;
  /** The API origin, without a trailing slash (e.g. `https://us-central1-aiplatform.googleapis.com`). */
  vertex_api_base: string;
}

/** The credential field: the service-account key JSON. */
export const PRIVATE_KEY_FIELD = "private_key";

// A region becomes part of a host name, so it is held to the shape Google's regions have.
const REGION = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
// Project ids are letters, digits and dashes; legacy domain-scoped ids add "." and ":".
const PROJECT = /^[A-Za-z0-9][A-Za-z0-9.:_-]*$/;

/** The default API origin of a region; `global` has no regional host. */
export function defaultApiBase(region: string): string {
  return region === "global" ? "https://aiplatform.googleapis.com" : `https://${region}-aiplatform.googleapis.com`;
}

/** Checks the config block (credential removed) and fills in the default API base. */
export function parseVertexConfig(raw: JsonObject, has: (field: string) => boolean): { config: VertexConfig } | { issues: ConfigIssue[] } {
  const r = new ConfigReader(raw);
  const project = r.required("project_id");
  if (project !== undefined && !PROJECT.test(project)) r.issues.push({ field: "project_id", message: "must be a Google Cloud project id" });
  const region = r.required("region");
  if (region !== undefined && !REGION.test(region)) {
    r.issues.push({ field: "region", message: "must be a Google Cloud region such as us-central1, or global" });
  }
  const base = r.url("vertex_api_base");
  r.requireCredential(PRIVATE_KEY_FIELD, has);
  return r.result({
    project_id: project ?? "",
    region: region ?? "",
    vertex_api_base: (base ?? defaultApiBase(region ?? "")).replace(/\/+$/, ""),
  });
}

/** The parts of a service-account key the gateway uses. */
export interface ServiceAccountKey {
  clientEmail: string;
  /** PKCS#8 PEM. */
  privateKey: string;
  privateKeyId: string | undefined;
  tokenUri: string;
}

const DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";

function keyError(message: string) {
  // Never echo the value: it is a private key.
  return errors.invalidParameter(PRIVATE_KEY_FIELD, `'${PRIVATE_KEY_FIELD}' ${message}`);
}

/**
 * Reads the service-account key JSON (`{"type":"service_account","client_email",
 * "private_key","private_key_id","token_uri",…}`). A bare PEM or anything else is a 400
 * naming `private_key`, whose message never contains the key material.
 */
export function parseServiceAccountKey(value: string): ServiceAccountKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    const hint = value.includes("PRIVATE KEY-----") ? " (a bare PEM was given; give the whole key file)" : "";
    throw keyError(`must be the service-account key JSON downloaded from Google Cloud${hint}.`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw keyError("must be the service-account key JSON object.");
  const o = parsed as JsonObject;
  if (o["type"] !== undefined && o["type"] !== "service_account") throw keyError(`must be a key of type "service_account".`);
  const email = o["client_email"];
  const pem = o["private_key"];
  const keyId = o["private_key_id"];
  const tokenUri = o["token_uri"] ?? DEFAULT_TOKEN_URI;
  if (typeof email !== "string" || !email) throw keyError("has no client_email.");
  if (typeof pem !== "string" || !pem.includes("-----BEGIN PRIVATE KEY-----")) throw keyError("has no PKCS#8 PEM private_key.");
  if (typeof tokenUri !== "string" || !/^https?:\/\//.test(tokenUri)) throw keyError("has a token_uri that is not an http(s) URL.");
  try {
    // Checked now so a broken key fails when the endpoint is created, not on its first request.
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== "rsa") throw new Error("not RSA");
  } catch {
    throw keyError("holds a private_key that is not a readable RSA key in PEM form.");
  }
  return { clientEmail: email, privateKey: pem, privateKeyId: typeof keyId === "string" && keyId ? keyId : undefined, tokenUri };
}
