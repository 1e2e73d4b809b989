/**
 * `invalid_keywords`: whole-word, case-insensitive matching of a list of words or phrases,
 * compiled into one pattern per config.
 *
 * A keyword matches only where it is not part of a longer word: "class" does not match
 * "classified", in any script ("кот" does not match "котёнок"). Text and keywords are
 * NFKC-normalised first, so full-width or ligature look-alikes ("ｃｌａｓｓ") still match,
 * and a phrase matches across any run of whitespace ("drop  table").
 *
 * @example
 *   compileKeywords(["class"])?.find("A classified Class.") // → "class"
 */

/** Letters with their combining marks, digits and `_`: a keyword may not touch one. */
const WORD = String.raw`\p{L}\p{M}\p{N}_`;

export interface KeywordMatcher {
  /** The first configured keyword the text contains, as configured; undefined when none. */
  find(text: string): string | undefined;
}

function norm(s: string): string {
  return s.normalize("NFKC");
}

function escape(s: string): string {
  // Only the syntax characters: in `u` mode escaping anything else is an error.
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** The pattern body of one keyword: escaped, whitespace runs matching any whitespace. */
function source(keyword: string): string {
  return norm(keyword)
    .trim()
    .split(/\s+/u)
    .map(escape)
    .join(String.raw`\s+`);
}

/** One pattern for all the keywords, or undefined when the list has none. Blank entries are ignored. */
export function compileKeywords(keywords: readonly string[] | undefined): KeywordMatcher | undefined {
  const list = (keywords ?? []).filter((k) => k.trim() !== "");
  if (list.length === 0) return undefined;
  // Longest first, so a phrase wins over a keyword it starts with.
  const alternatives = [...new Set(list.map(source))].sort((a, b) => b.length - a.length);
  const any = new RegExp(String.raw`(?<![${WORD}])(?:${alternatives.join("|")})(?![${WORD}])`, "iu");
  const each = list.map((k) => ({ keyword: k, re: new RegExp(String.raw`^(?:${source(k)})$`, "iu") }));
  return {
    find(text) {
      const m = any.exec(norm(text));
      if (!m) return undefined;
      return each.find((e) => e.re.test(m[0]))?.keyword ?? m[0];
    },
  };
}
