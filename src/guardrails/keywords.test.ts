import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileKeywords } from "./keywords.js";

describe("invalid keywords", () => {
  const m = compileKeywords(["class", "Project Falcon", "C++", "кот", "naïve"]);
  const find = (t: string) => m?.find(t);

  it("matches whole words, whatever the case", () => {
    assert.equal(find("This is a class."), "class");
    assert.equal(find("CLASS dismissed"), "class");
    assert.equal(find("(Class)"), "class");
    assert.equal(find("first-class seat"), "class", "a hyphen is a word boundary");
  });
  it("does not match inside a longer word", () => {
    assert.equal(find("This is classified."), undefined);
    assert.equal(find("subclass"), undefined);
    assert.equal(find("class_name"), undefined);
    assert.equal(find("classes"), undefined);
    assert.equal(find("class2"), undefined);
  });
  it("is Unicode-aware", () => {
    assert.equal(find("Мой кот спит"), "кот");
    assert.equal(find("котёнок"), undefined, "Cyrillic letters are word characters");
    assert.equal(find("КОТ!"), "кот");
    assert.equal(find("a naïve plan"), "naïve");
    assert.equal(find("a nai\u0308ve plan"), "naïve", "decomposed form matches after normalisation");
    assert.equal(find("ｃｌａｓｓ"), "class", "full-width look-alikes");
    assert.equal(find("éclass"), undefined);
  });
  it("matches phrases across whitespace and keywords with symbols", () => {
    assert.equal(find("about project  falcon\ttoday"), "Project Falcon");
    assert.equal(find("project falconry"), undefined);
    assert.equal(find("I write C++ daily"), "C++");
    assert.equal(find("C++11"), undefined);
  });
  it("ignores blank entries and has nothing to do without keywords", () => {
    assert.equal(compileKeywords([]), undefined);
    assert.equal(compileKeywords(["  "]), undefined);
    assert.equal(compileKeywords(undefined), undefined);
    assert.equal(compileKeywords(["", "x"])?.find("an x here"), "x");
  });
  it("treats regex characters literally", () => {
    const r = compileKeywords(["a.b", "(x)", "$ok", "back\\slash", "x/y"]);
    assert.equal(r?.find("aXb"), undefined);
    assert.equal(r?.find("see a.b now"), "a.b");
    assert.equal(r?.find("say (x) again"), "(x)");
    assert.equal(r?.find("cost $ok"), "$ok");
    assert.equal(r?.find("a back\\slash"), "back\\slash");
    assert.equal(r?.find("either x/y"), "x/y");
  });
});
