import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errors } from "../gateway/errors.js";
import { errorBody } from "./errors.js";

describe("error bodies", () => {
  it("name the invalid field in a google.rpc.BadRequest detail (Databricks shape) and in `param` (OpenAI shape)", () => {
    const err = errors.invalidParameter("config.served_entities[0].external_model.name", "config.served_entities[0].external_model.name is required.");
    const body = errorBody(err, "databricks", "req-1") as { error_code: string; details: Array<Record<string, unknown>> };
    assert.equal(body.error_code, "INVALID_PARAMETER_VALUE");
    assert.deepEqual(body.details[1], {
      "@type": "type.googleapis.com/google.rpc.BadRequest",
      field_violations: [{ field: "config.served_entities[0].external_model.name", description: err.message }],
    });
    const openai = errorBody(err, "openai", "req-1") as { error: { param: string } };
    assert.equal(openai.error.param, "config.served_entities[0].external_model.name");
  });

  it("carry only the request id when no field is named", () => {
    const body = errorBody(errors.notFound("nope"), "databricks", "req-2") as { details: unknown[] };
    assert.equal(body.details.length, 1);
  });
});
