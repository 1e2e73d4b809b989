import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GatewayError } from "../gateway/errors.js";
import { checkJsonLimits, scanJsonLimits } from "./json-limits.js";

const L = { maxDepth: 4, maxElements: 10 };

describe("JSON limits scan", () => {
  it("measures depth over arrays and objects, not brackets inside strings", () => {
    assert.equal(scanJsonLimits('{"a":[[[1]]]}', L), undefined, "depth 4 is within 4");
    assert.deepEqual(scanJsonLimits('{"a":[[[[1]]]]}', L), { limit: "depth", max: 4 });
    assert.equal(scanJsonLimits('{"a":"[[[[[[{{{{"}', L), undefined);
    assert.equal(scanJsonLimits('{"a":"\\"[[[[[[\\\\"}', L), undefined, "escaped quotes and backslashes are followed");
    assert.deepEqual(scanJsonLimits('{"a":"\\\\"}[[[[[', L), { limit: "depth", max: 4 }, "a string ending in an escaped backslash ends there");
  });
  it("counts array items and object members over the whole document", () => {
    assert.equal(scanJsonLimits("[1,2,3,4,5,6,7,8,9,10]", L), undefined);
    assert.deepEqual(scanJsonLimits("[1,2,3,4,5,6,7,8,9,10,11]", L), { limit: "elements", max: 10 });
    assert.equal(scanJsonLimits("[[],[],{},[ ]]", L), undefined);
    // 5 members + 6 items = 11
    assert.deepEqual(scanJsonLimits('{"a":1,"b":2,"c":3,"d":4,"e":[1,2,3,4,5,6]}', L), { limit: "elements", max: 10 });
    assert.equal(scanJsonLimits('{"a":1,"b":2,"c":3,"d":4,"e":[1,2,3,4,5]}', L), undefined, "exactly 10");
    assert.equal(scanJsonLimits('["a,b,c,d,e,f,g,h,i,j,k,l"]', L), undefined, "commas inside strings do not count");
  });
  it("stays iterative on hostile input", () => {
    const deep = "[".repeat(1_000_000) + "]".repeat(1_000_000);
    assert.deepEqual(scanJsonLimits(deep, { maxDepth: 128, maxElements: 1e6 }), { limit: "depth", max: 128 });
    assert.equal(scanJsonLimits('"unterminated', L), undefined, "not JSON: left to the parser");
  });
  it("throws a 400 naming the limit and its flag", () => {
    assert.throws(
      () => checkJsonLimits("[[[[[1]]]]]", L),
      (e: unknown) => e instanceof GatewayError && e.status === 400 && e.kind.code === "JSON_TOO_COMPLEX" && /limit of 4 levels \(--max-json-depth\)/.test(e.message),
    );
    assert.throws(() => checkJsonLimits(JSON.stringify(Array(11).fill(0)), L), (e: unknown) => e instanceof GatewayError && /--max-json-elements/.test(e.message));
  });
});
