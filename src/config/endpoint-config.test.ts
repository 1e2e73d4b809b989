import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultEntityName, ENTITY_NAME } from "./endpoint-config.js";

describe("default served-entity name", () => {
  it("replaces '.' and ':' as Databricks does, and any other character a name may not hold", () => {
    assert.equal(defaultEntityName("gpt-4o-mini"), "gpt-4o-mini");
    assert.equal(defaultEntityName("claude-3.5:sonnet"), "claude-3-5-sonnet");
    assert.equal(defaultEntityName("meta-llama/Llama-3.1-8B-Instruct"), "meta-llama-Llama-3-1-8B-Instruct");
    assert.equal(defaultEntityName("anthropic.claude-3-haiku-20240307-v1:0"), "anthropic-claude-3-haiku-20240307-v1-0");
  });

  it("is always a valid entity name", () => {
    for (const model of ["projects/p/locations/us/publishers/google/models/gemini-2.0-flash", "a b@c", "x".repeat(100)]) {
      assert.match(defaultEntityName(model), ENTITY_NAME, model);
    }
  });
});
