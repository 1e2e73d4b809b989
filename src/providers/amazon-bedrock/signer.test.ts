// SigV4 as the adapter signs it, checked against a signature computed here by hand
// (node:crypto, following AWS's published algorithm) so the check does not lean on the
// library that made the signature.
// Run: node --import tsx --test src/providers/amazon-bedrock/signer.test.ts
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { describe, test } from "node:test";
import { modelPath } from "./client.js";
import { BedrockSigner } from "./signer.js";

const KEY = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const DATE = new Date(Date.UTC(2025, 0, 2, 3, 4, 5));

const sha = (b: string | Buffer) => createHash("sha256").update(b).digest("hex");
const hmac = (k: string | Buffer, d: string) => createHmac("sha256", k).update(d).digest();

/** AWS SigV4 by the book, for one POST with the given (lower-case) headers. */
function byHand(canonicalUri: string, headers: Record<string, string>, body: Buffer, region: string, service: string, secret: string): string {
  const names = Object.keys(headers).sort();
  const canonical = ["POST", canonicalUri, "", ...names.map((n) => `${n}:${headers[n]}`), "", names.join(";"), sha(body)].join("\n");
  const scope = `20250102/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", "20250102T030405Z", scope, sha(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, "20250102"), region), service), "aws4_request");
  return createHmac("sha256", key).update(toSign).digest("hex");
}

describe("modelPath", () => {
  test("escapes the model id as one path segment, as the AWS SDK does", () => {
    assert.equal(modelPath("anthropic.claude-3-5-sonnet-20240620-v1:0", "converse"), "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse");
    assert.equal(
      modelPath("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0", "converse-stream"),
      "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse-stream",
    );
    assert.equal(modelPath("odd(model)!*'", "invoke"), "/model/odd%28model%29%21%2A%27/invoke");
  });
});

describe("BedrockSigner", () => {
  test("signs service bedrock in the region, over the double-escaped path and the exact body", async () => {
    const signer = new BedrockSigner(KEY, "us-west-2");
    const url = new URL("https://bedrock-runtime.us-west-2.amazonaws.com" + modelPath("amazon.nova-pro-v1:0", "converse"));
    const body = Buffer.from('{"messages":[]}');
    const h = await signer.sign(url, body, { "content-type": "application/json" }, DATE);
    assert.equal(h["x-amz-date"], "20250102T030405Z");
    assert.equal(h["x-amz-content-sha256"], sha(body));
    assert.equal(h["host"], "bedrock-runtime.us-west-2.amazonaws.com");
    const signedHeaders = { "content-type": "application/json", host: h["host"], "x-amz-content-sha256": sha(body), "x-amz-date": "20250102T030405Z" };
    const expected = byHand("/model/amazon.nova-pro-v1%253A0/converse", signedHeaders, body, "us-west-2", "bedrock", KEY.secretAccessKey);
    assert.equal(
      h["authorization"],
      `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250102/us-west-2/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=${expected}`,
    );
  });

  test("a port is part of the signed host; a session token is sent and signed", async () => {
    const signer = new BedrockSigner({ ...KEY, sessionToken: "TOKEN123" }, "us-east-1");
    const url = new URL("http://127.0.0.1:4566/model/m/invoke");
    const body = Buffer.from("{}");
    const h = await signer.sign(url, body, { "content-type": "application/json", accept: "application/json" }, DATE);
    assert.equal(h["host"], "127.0.0.1:4566");
    assert.equal(h["x-amz-security-token"], "TOKEN123");
    const signedHeaders = {
      accept: "application/json",
      "content-type": "application/json",
      host: "127.0.0.1:4566",
      "x-amz-content-sha256": sha(body),
      "x-amz-date": "20250102T030405Z",
      "x-amz-security-token": "TOKEN123",
    };
    const expected = byHand("/model/m/invoke", signedHeaders, body, "us-east-1", "bedrock", KEY.secretAccessKey);
    assert.match(h["authorization"] ?? "", new RegExp(`SignedHeaders=accept;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=${expected}$`));
  });
});
