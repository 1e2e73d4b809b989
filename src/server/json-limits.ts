/**
 * The nesting and size bounds every JSON request body is checked against once, at the
 * edge, before `JSON.parse`: how deep arrays and objects nest, and how many values
 * (array items and object members, counted over the whole document) it holds.
 *
 * Why: the code behind the edge walks bodies recursively — `JSON.stringify` of the
 * upstream body, token counting for rate limits, guardrails' masks, zod validation,
 * credential extraction. A body nested 5,000 deep, or an array of 200,000 objects, is a
 * few hundred kilobytes and drove each of them past the stack (a 500 with a
 * `RangeError`). With the depth bounded here (128 by default, serde_json's recursion
 * limit), no walk behind the edge can be driven that deep, and the element bound keeps
 * a small body from costing a large amount of work.
 *
 * The scan is one iterative pass over the text (no recursion, no allocation): outside
 * strings it looks at each character; inside a string it jumps to the next quote with
 * `indexOf`, which is what keeps it cheap on chat bodies (mostly string content). It
 * does not validate JSON — `JSON.parse` does that right after — so on invalid text its
 * counts are only approximate, which is harmless: the parse rejects that text anyway.
 *
 * @example
 *   const over = scanJsonLimits('{"a":[[[1]]]}', { maxDepth: 2, maxElements: 100 });
 *   // → { limit: "depth", max: 2 }
 */
import { ERROR_KINDS, GatewayError } from "../gateway/errors.js";

export interface JsonLimits {
  /** Deepest nesting of arrays and objects allowed (the top-level value is depth 1). */
  maxDepth: number;
  /** Most array items plus object members allowed over the whole document. */
  maxElements: number;
}

export interface JsonLimitExceeded {
  limit: "depth" | "elements";
  max: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/** The first limit the text goes over, or `undefined` when it stays within both. */
export function scanJsonLimits(text: string, limits: JsonLimits): JsonLimitExceeded | undefined {
  const { maxDepth, maxElements } = limits;
  const n = text.length;
  let depth = 0;
  let elements = 0;
  // True right after an opening bracket, until something other than whitespace comes:
  // a non-empty container holds one more value than it has commas.
  let justOpened = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      if (justOpened) {
        justOpened = false;
        if (++elements > maxElements) return { limit: "elements", max: maxElements };
      }
      // Jump to the closing quote: one not preceded by an odd number of backslashes.
      let j = i;
      for (;;) {
        j = text.indexOf('"', j + 1);
        if (j < 0) return undefined; // unterminated string: not JSON, the parse says so
        let k = j - 1;
        while (text.charCodeAt(k) === BACKSLASH) k--;
        if ((j - 1 - k) % 2 === 0) break;
      }
      i = j;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (justOpened && ++elements > maxElements) return { limit: "elements", max: maxElements };
      if (++depth > maxDepth) return { limit: "depth", max: maxDepth };
      justOpened = true;
      continue;
    }
    if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      justOpened = false;
      continue;
    }
    if (c === COMMA) {
      if (++elements > maxElements) return { limit: "elements", max: maxElements };
      continue;
    }
    // Whitespace (space, tab, newline, carriage return) keeps a container "just opened".
    if (justOpened && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
      justOpened = false;
      if (++elements > maxElements) return { limit: "elements", max: maxElements };
    }
  }
  return undefined;
}

/** Throws the 400 naming the limit (and the flag that sets it) when `text` goes over one. */
export function checkJsonLimits(text: string, limits: JsonLimits): void {
  const over = scanJsonLimits(text, limits);
  if (!over) return;
  throw new GatewayError(
    ERROR_KINDS.JSON_TOO_COMPLEX,
    over.limit === "depth"
      ? `The request body nests arrays and objects deeper than the limit of ${over.max} levels (--max-json-depth).`
      : `The request body holds more than the limit of ${over.max} array items and object members (--max-json-elements).`,
  );
}
