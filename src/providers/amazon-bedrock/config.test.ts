// The `amazon_bedrock_config` block.
// Run: node --import tsx --test src/providers/amazon-bedrock/config.test.ts
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { configOf, fieldsOf, has } from "../../../testing/provider-test-helpers.js";
import { getProvider } from "../registry.js";
import { amazonBedrockProvider } from "./index.js";

const KEYS = has("aws_access_key_id", "aws_secret_access_key");
const parse = (raw: Record<string, unknown>, h = KEYS) => amazonBedrockProvider.parseConfig(raw, h);

describe("definition", () => {
  test("name, config key, tasks, credential fields", () => {
    assert.equal(amazonBedrockProvider.name, "amazon-bedrock");
    assert.equal(amazonBedrockProvider.configKey, "amazon_bedrock_config");
    assert.deepEqual([...amazonBedrockProvider.tasks], ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"]);
    assert.deepEqual([...amazonBedrockProvider.credentialFields], ["aws_access_key_id", "aws_secret_access_key", "aws_session_token"]);
    // Registered by the lead in src/providers/registry.ts; until then this is undefined.
    const registered = getProvider("amazon-bedrock");
    if (registered) assert.equal(registered, amazonBedrockProvider);
  });
});

describe("parseConfig", () => {
  test("the region's public endpoint by default; bedrock_provider is case-insensitive", () => {
    assert.deepEqual(configOf(parse({ aws_region: "us-east-1", bedrock_provider: "Anthropic" })), {
      aws_region: "us-east-1",
      bedrock_provider: "anthropic",
      aws_endpoint_url: "https://bedrock-runtime.us-east-1.amazonaws.com",
    });
    assert.equal(configOf(parse({ aws_region: "cn-north-1", bedrock_provider: "AMAZON" })).aws_endpoint_url, "https://bedrock-runtime.cn-north-1.amazonaws.com.cn");
    for (const family of ["cohere", "ai21labs", "amazon"]) assert.equal(configOf(parse({ aws_region: "eu-west-3", bedrock_provider: family })).bedrock_provider, family);
  });

  test("aws_endpoint_url overrides the endpoint (trailing slash dropped)", () => {
    const c = configOf(parse({ aws_region: "us-gov-west-1", bedrock_provider: "amazon", aws_endpoint_url: "http://127.0.0.1:9999/" }));
    assert.equal(c.aws_endpoint_url, "http://127.0.0.1:9999");
    assert.deepEqual(fieldsOf(parse({ aws_region: "us-east-1", bedrock_provider: "amazon", aws_endpoint_url: "ftp://x" })), ["aws_endpoint_url"]);
  });

  test("region, bedrock_provider and both keys are required; a session token is optional", () => {
    assert.deepEqual(fieldsOf(parse({}, has())), ["aws_access_key_id", "aws_region", "aws_secret_access_key", "bedrock_provider"]);
    assert.deepEqual(fieldsOf(parse({ aws_region: "us-east-1", bedrock_provider: "amazon" }, has("aws_access_key_id"))), ["aws_secret_access_key"]);
    configOf(parse({ aws_region: "us-east-1", bedrock_provider: "amazon" }, has("aws_access_key_id", "aws_secret_access_key", "aws_session_token")));
  });

  test("bad values name their field", () => {
    assert.deepEqual(fieldsOf(parse({ aws_region: "useast1", bedrock_provider: "amazon" })), ["aws_region"]);
    assert.deepEqual(fieldsOf(parse({ aws_region: "us-east-1", bedrock_provider: "meta" })), ["bedrock_provider"]);
    assert.deepEqual(fieldsOf(parse({ aws_region: "us-east-1", bedrock_provider: 3 })), ["bedrock_provider"]);
    assert.deepEqual(fieldsOf(parse({ aws_region: 7, bedrock_provider: "amazon" })), ["aws_region"]);
  });

  test("instance_profile_arn is refused with a reason, first", () => {
    const r = parse({ aws_region: "us-east-1", bedrock_provider: "amazon", instance_profile_arn: "arn:aws:iam::1:instance-profile/x" }, has());
    assert.ok("issues" in r);
    assert.equal(r.issues[0]?.field, "instance_profile_arn");
    assert.match(r.issues[0]?.message ?? "", /not supported.*instance metadata.*aws_access_key_id/);
  });
});

describe("create", () => {
  const creds = new Map([
    ["aws_access_key_id", "AKID"],
    ["aws_secret_access_key", "SECRET"],
  ]);
  test("each task gets its operations", () => {
    const config = configOf(parse({ aws_region: "us-east-1", bedrock_provider: "amazon" }));
    const ops = (task: "llm/v1/chat" | "llm/v1/completions" | "llm/v1/embeddings") =>
      Object.keys(amazonBedrockProvider.create({ model: "m", task, config, credentials: creds })).sort();
    assert.deepEqual(ops("llm/v1/chat"), ["chat", "chatStream"]);
    assert.deepEqual(ops("llm/v1/completions"), ["complete", "completeStream"]);
    assert.deepEqual(ops("llm/v1/embeddings"), ["embed"]);
  });

  test("embeddings need bedrock_provider amazon or cohere: the error names bedrock_provider", () => {
    for (const family of ["anthropic", "ai21labs"]) {
      const raw = { aws_region: "us-east-1", bedrock_provider: family };
      assert.deepEqual(fieldsOf(amazonBedrockProvider.parseConfig(raw, KEYS, "llm/v1/embeddings")), ["bedrock_provider"]);
      configOf(amazonBedrockProvider.parseConfig(raw, KEYS, "llm/v1/chat"));
    }
    const cohere = configOf(parse({ aws_region: "us-east-1", bedrock_provider: "cohere" }));
    assert.ok(amazonBedrockProvider.create({ model: "cohere.embed-english-v3", task: "llm/v1/embeddings", config: cohere, credentials: creds }).embed);
  });
});
