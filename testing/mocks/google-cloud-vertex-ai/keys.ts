/**
 * The mock's service account: an RSA key pair (made once per process, RSA generation
 * being slow) and the key JSON Google would hand out for it, with `token_uri` pointing at
 * the mock's own `/token`.
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";

export interface MockKeyPair {
  /** PKCS#8 PEM, as in a service-account key file. */
  privateKeyPem: string;
  publicKey: KeyObject;
}

/** The fields of a Google service-account key file. */
export interface ServiceAccountKeyJson {
  type: "service_account";
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  auth_provider_x509_cert_url: string;
  client_x509_cert_url: string;
  universe_domain: string;
}

export const MOCK_PROJECT = "tessera-test";
export const MOCK_REGION = "us-central1";
export const MOCK_KEY_ID = "0123456789abcdef0123456789abcdef01234567";

let shared: MockKeyPair | undefined;

/** A fresh RSA key pair. */
export function newKeyPair(): MockKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), publicKey };
}

/** The key pair every mock of this process uses unless given its own. */
export function sharedKeyPair(): MockKeyPair {
  shared ??= newKeyPair();
  return shared;
}

export function clientEmailOf(project: string): string {
  return `tessera-gateway@${project}.iam.gserviceaccount.com`;
}

/** The key JSON for a mock at `mockUrl` (its `token_uri` is `{mockUrl}/token`). */
export function serviceAccountKeyFor(mockUrl: string, project = MOCK_PROJECT, keys: MockKeyPair = sharedKeyPair()): ServiceAccountKeyJson {
  const email = clientEmailOf(project);
  return {
    type: "service_account",
    project_id: project,
    private_key_id: MOCK_KEY_ID,
    private_key: keys.privateKeyPem,
    client_email: email,
    client_id: "109876543210987654321",
    auth_uri: "https://accounts.google.com/o/oauth2/auth",
    token_uri: `${mockUrl}/token`,
    auth_provider_x509_cert_url: "https://www.googleapis.com/oauth2/v1/certs",
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(email)}`,
    universe_domain: "googleapis.com",
  };
}
