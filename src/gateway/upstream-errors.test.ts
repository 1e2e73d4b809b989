import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ERROR_KINDS, GatewayError, kindForStatus } from "./errors.js";
import { attributeToEntity } from "./upstream-errors.js";

const entity = { name: "primary", model: "gpt-4o" };
const upstream = (status: number) =>
  new GatewayError(kindForStatus(status), `Received error from openai (HTTP ${status}): Incorrect API key provided.`, {
    status,
    openaiCode: "invalid_api_key",
    upstream: { provider: "openai", status, body: { error: { message: "Incorrect API key provided." } } },
  });

describe("upstream errors named after the served entity", () => {
  it("an upstream 401/403 is a 400 UPSTREAM_CREDENTIALS_REJECTED naming the entity, without the provider's code", () => {
    for (const status of [401, 403]) {
      const err = attributeToEntity(upstream(status), entity) as GatewayError;
      assert.equal(err.kind, ERROR_KINDS.UPSTREAM_CREDENTIALS_REJECTED);
      assert.equal(err.status, 400);
      assert.equal(err.openaiCode, undefined, "invalid_api_key would point at the caller's own key");
      assert.match(err.message, /^The provider rejected the credentials configured for served entity 'primary' \(model 'gpt-4o'\)/);
      assert.match(err.message, /Received error from openai \(HTTP \d{3}\): Incorrect API key provided\.$/);
      assert.equal(err.upstream?.status, status, "the provider's body is still there for external_model_message");
    }
  });

  it("an upstream 404 is a 400 UPSTREAM_MODEL_NOT_FOUND naming model and entity", () => {
    const err = attributeToEntity(upstream(404), entity) as GatewayError;
    assert.equal(err.kind, ERROR_KINDS.UPSTREAM_MODEL_NOT_FOUND);
    assert.equal(err.status, 400);
    assert.match(err.message, /no model 'gpt-4o' for served entity 'primary'/);
  });

  it("leaves every other error as it is", () => {
    for (const e of [upstream(429), upstream(500), upstream(400), new TypeError("bug"), ERROR_KINDS]) assert.equal(attributeToEntity(e, entity), e);
  });
});
