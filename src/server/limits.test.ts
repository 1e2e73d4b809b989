import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errors } from "../gateway/errors.js";
import { edgeErrorBody, targetOf } from "./client-errors.js";
import { DEFAULT_EDGE_LIMITS, resolveEdgeLimits } from "./limits.js";

describe("edge limits settings", () => {
  it("takes a given value over the environment, the environment over the default", () => {
    assert.deepEqual(resolveEdgeLimits(), DEFAULT_EDGE_LIMITS);
    const l = resolveEdgeLimits({ idleTimeoutMs: 5000 }, { TESSERA_IDLE_TIMEOUT_MS: "7000", TESSERA_MAX_JSON_DEPTH: "64" });
    assert.equal(l.idleTimeoutMs, 5000);
    assert.equal(l.maxJsonDepth, 64);
    assert.equal(l.requestTimeoutMs, 30_000);
  });
  it("refuses values that are not whole numbers in range, naming the flag", () => {
    assert.throws(() => resolveEdgeLimits({}, { TESSERA_MAX_CONNECTIONS: "lots" }), /--max-connections \(TESSERA_MAX_CONNECTIONS\) must be a whole number of at least 1/);
    assert.throws(() => resolveEdgeLimits({ maxJsonDepth: 5000 }), /--max-json-depth .* from 2 to 1000/);
    assert.throws(() => resolveEdgeLimits({ requestTimeoutMs: 1.5 }), /--request-timeout-ms/);
  });
});

describe("edge error bodies", () => {
  it("answers OAuth's shape on /oidc/ paths and the family's elsewhere", () => {
    assert.deepEqual(edgeErrorBody("/oidc/v1/token", errors.malformed("m"), "r"), { error: "invalid_request", error_description: "m" });
    assert.deepEqual(edgeErrorBody("/oidc/v1/token?x", errors.unauthenticated("u"), "r"), { error: "invalid_client", error_description: "u" });
    assert.equal((edgeErrorBody("/v1/models", errors.malformed("m"), "r") as { error: { type: string } }).error.type, "invalid_request_error");
    assert.equal((edgeErrorBody(undefined, errors.malformed("m"), "r") as { error_code: string }).error_code, "MALFORMED_REQUEST");
  });
  it("finds the request target in what the parser had read", () => {
    assert.equal(targetOf(Buffer.from("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n")), "/v1/chat/completions");
    assert.equal(targetOf(Buffer.from("garbage")), undefined);
    assert.equal(targetOf(undefined), undefined);
  });
});
