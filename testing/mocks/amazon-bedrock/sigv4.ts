/**
 * The mock's SigV4 check: it recomputes the signature of the request it received (method,
 * raw path, query, the headers the client listed as signed, the body hash) with the key
 * pair it was given, and compares the whole `Authorization` header, as AWS does. A client
 * that signs the wrong path (e.g. not double-escaped), the wrong service or region, or
 * other bytes than it sends is refused with AWS's 403.
 */
import { createHash } from "node:crypto";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import type { RecordedRequest } from "../mock-server.js";

export interface MockAwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** When set, requests must carry it as `x-amz-security-token` (temporary credentials). */
  sessionToken?: string | undefined;
  region: string;
}

export interface AuthFailure {
  status: number;
  type: string;
  message: string;
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

const MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
const BAD_TOKEN = "The security token included in the request is invalid.";

function headerValue(req: RecordedRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

/** `20250101T120000Z` → a Date. */
function amzDate(v: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  if (!m) return undefined;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

/** Checks a request's signature; undefined when it is good, else the error AWS would answer. */
export async function verifySigV4(req: RecordedRequest, creds: MockAwsCredentials, service = "bedrock"): Promise<AuthFailure | undefined> {
  const auth = headerValue(req, "authorization");
  if (!auth) return { status: 403, type: "MissingAuthenticationTokenException", message: "Missing Authentication Token" };
  const m = AUTH.exec(auth);
  if (!m) return { status: 403, type: "IncompleteSignatureException", message: `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.` };
  const [, keyId, day, region, svc, signedList] = m as unknown as [string, string, string, string, string, string, string];
  if (keyId !== creds.accessKeyId) return { status: 403, type: "UnrecognizedClientException", message: BAD_TOKEN };
  if (svc !== service) return { status: 403, type: "InvalidSignatureException", message: `Credential should be scoped to correct service: '${service}'.` };
  if (region !== creds.region) return { status: 403, type: "InvalidSignatureException", message: `Credential should be scoped to a valid region.` };
  const token = headerValue(req, "x-amz-security-token");
  if ((creds.sessionToken ?? undefined) !== token) return { status: 403, type: "UnrecognizedClientException", message: BAD_TOKEN };
  const dateHeader = headerValue(req, "x-amz-date");
  const when = dateHeader ? amzDate(dateHeader) : undefined;
  if (!dateHeader || !when || !dateHeader.startsWith(day)) {
    return { status: 403, type: "IncompleteSignatureException", message: "Date must be in ISO-8601 'basic format' and match the credential scope." };
  }
  const signed = signedList.split(";");
  const bodyHash = createHash("sha256").update(req.raw).digest("hex");
  const claimed = headerValue(req, "x-amz-content-sha256");
  if (claimed !== undefined && claimed !== bodyHash && claimed !== "UNSIGNED-PAYLOAD") return { status: 403, type: "InvalidSignatureException", message: MISMATCH };
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const v = headerValue(req, name);
    if (v === undefined) return { status: 403, type: "InvalidSignatureException", message: MISMATCH };
    headers[name] = v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of req.query) query[k] = v;
  const signer = new SignatureV4({
    service,
    region,
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, ...(token ? { sessionToken: token } : {}) },
    sha256: Sha256,
    applyChecksum: false,
  });
  const host = headers["host"] ?? "mock";
  const again = await signer.sign(
    { method: req.method, protocol: "http:", hostname: host.split(":")[0] ?? host, path: req.path, query, headers, body: req.raw },
    { signingDate: when, signableHeaders: new Set(signed) },
  );
  return again.headers["authorization"] === auth ? undefined : { status: 403, type: "InvalidSignatureException", message: MISMATCH };
}
