// The google_cloud_vertex_ai_config block and the service-account key credential.
// Run: node --import tsx --test src/providers/google-cloud-vertex-ai/config.test.ts
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import { configOf, fieldsOf, has } from "../../../testing/provider-test-helpers.js";
import { serviceAccountKeyFor, sharedKeyPair } from "../../../testing/mocks/google-cloud-vertex-ai/index.js";
import { getProvider } from "../registry.js";
import { parseServiceAccountKey } from "./config.js";
import { googleCloudVertexAiProvider as def } from "./index.js";

const withKey = has("private_key");

describe("parseConfig", () => {
  test("project and region are required, the key too; the API base defaults to the region's host", () => {
    const c = configOf(def.parseConfig({ project_id: "my-proj", region: "europe-west4" }, withKey));
    assert.deepEqual(c, { project_id: "my-proj", region: "europe-west4", vertex_api_base: "https://europe-west4-aiplatform.googleapis.com" });
    assert.deepEqual(fieldsOf(def.parseConfig({}, has())), ["private_key", "project_id", "region"]);
  });

  test("region global has no regional host", () => {
    assert.equal(configOf(def.parseConfig({ project_id: "p-1", region: "global" }, withKey)).vertex_api_base, "https://aiplatform.googleapis.com");
  });

  test("vertex_api_base overrides (trailing slash dropped) and must be an http(s) URL", () => {
    const c = configOf(def.parseConfig({ project_id: "p", region: "us-central1", vertex_api_base: "http://127.0.0.1:9/" }, withKey));
    assert.equal(c.vertex_api_base, "http://127.0.0.1:9");
    assert.deepEqual(fieldsOf(def.parseConfig({ project_id: "p", region: "us-central1", vertex_api_base: "ftp://x" }, withKey)), ["vertex_api_base"]);
  });

  test("a region or project that could escape the host or path is refused", () => {
    assert.deepEqual(fieldsOf(def.parseConfig({ project_id: "p", region: "evil.com/x" }, withKey)), ["region"]);
    assert.deepEqual(fieldsOf(def.parseConfig({ project_id: "a/b", region: "us-east1" }, withKey)), ["project_id"]);
  });

  test("the definition is what the registry contract needs", () => {
    assert.equal(def.name, "google-cloud-vertex-ai");
    assert.equal(def.configKey, "google_cloud_vertex_ai_config");
    assert.deepEqual(def.credentialFields, ["private_key"]);
    assert.deepEqual([...def.tasks], ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"]);
    // Registered by the lead; until then the registry simply does not know it.
    const registered = getProvider("google-cloud-vertex-ai");
    if (registered) assert.equal(registered.configKey, def.configKey);
  });
});

describe("the service-account key", () => {
  const key = serviceAccountKeyFor("http://127.0.0.1:1");
  const pem = sharedKeyPair().privateKeyPem;
  const pemBody = pem.split("\n")[1] as string;

  function keyError(value: string): GatewayError {
    try {
      parseServiceAccountKey(value);
    } catch (err) {
      assert.ok(err instanceof GatewayError);
      return err;
    }
    assert.fail("expected the key to be refused");
  }

  test("the key JSON is read", () => {
    const k = parseServiceAccountKey(JSON.stringify(key));
    assert.deepEqual(
      { e: k.clientEmail, id: k.privateKeyId, uri: k.tokenUri, pem: k.privateKey === pem },
      { e: key.client_email, id: key.private_key_id, uri: "http://127.0.0.1:1/token", pem: true },
    );
  });

  test("token_uri defaults to Google's when the key has none", () => {
    const { token_uri: _drop, ...rest } = key;
    assert.equal(parseServiceAccountKey(JSON.stringify(rest)).tokenUri, "https://oauth2.googleapis.com/token");
  });

  test("a bare PEM, broken JSON, a wrong type or a broken key is a 400 naming private_key, never echoing the key", () => {
    const cases = [
      pem,
      "{not json",
      JSON.stringify({ ...key, type: "authorized_user" }),
      JSON.stringify({ ...key, client_email: undefined }),
      JSON.stringify({ ...key, private_key: pem.replace(pemBody, pemBody.slice(0, 20)) }),
      JSON.stringify({ ...key, token_uri: "file:///etc/passwd" }),
    ];
    for (const c of cases) {
      const err = keyError(c);
      assert.equal(err.kind, ERROR_KINDS.INVALID_PARAMETER);
      assert.equal(err.param, "private_key");
      assert.ok(!err.message.includes(pemBody), err.message);
      assert.ok(!err.message.includes("PRIVATE KEY-----\n"), err.message);
    }
    assert.match(keyError(pem).message, /bare PEM/);
  });

  test("create() refuses a bad key with the same 400", () => {
    const config = configOf(def.parseConfig({ project_id: "p", region: "us-central1" }, withKey));
    assert.throws(
      () => def.create({ model: "gemini-2.5-flash", task: "llm/v1/chat", config, credentials: new Map([["private_key", pem]]) }),
      (err: unknown) => err instanceof GatewayError && err.param === "private_key" && !err.message.includes(pemBody),
    );
  });
});
