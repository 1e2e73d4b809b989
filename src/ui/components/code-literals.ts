/**
 * Values written as code for copyable snippets: shell words, and JSON values as Python
 * and JavaScript literals (one line when they fit, else black/prettier style). Shared by
 * the Query panel's snippets and the create wizard's; pure, so Node tests load it.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const WIDTH = 88;

/** A shell word in single quotes: nothing inside is expanded; a `'` becomes `'\''`. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A Python string literal (JSON's escapes are all valid Python escapes). */
export function pyString(s: string): string {
  return JSON.stringify(s);
}

/** JSON escapes every control character; `$`, `{`, backticks are plain in a double-quoted JS string. */
export const jsString = pyString;

/** An object key in JavaScript: bare when it is an identifier, else quoted. */
export function jsKey(k: string): string {
  return isIdentifier(k) ? k : jsString(k);
}

function isIdentifier(k: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k);
}

interface Printer {
  scalar(v: null | boolean | number | string): string;
  key(k: string): string;
  sep: string;
  indent: string;
  /** Space inside the braces of a one-line object (prettier's style, not black's). */
  brace: string;
}

const PY: Printer = {
  scalar: (v) => (v === null ? "None" : v === true ? "True" : v === false ? "False" : typeof v === "string" ? pyString(v) : numberLiteral(v)),
  key: (k) => pyString(k),
  sep: ": ",
  indent: "    ",
  brace: "",
};

const JS: Printer = {
  scalar: (v) => (typeof v === "string" ? jsString(v) : v === null ? "null" : typeof v === "number" ? numberLiteral(v) : String(v)),
  key: jsKey,
  sep: ": ",
  indent: "  ",
  brace: " ",
};

function numberLiteral(n: number): string {
  return JSON.stringify(n);
}

/** A literal that fits on one line when it can, else one item per line (black/prettier style). */
function literal(v: Json, p: Printer, depth: number): string {
  if (v === null || typeof v !== "object") return p.scalar(v);
  const pad = p.indent.repeat(depth + 1);
  const end = p.indent.repeat(depth);
  const entries = Array.isArray(v) ? v.map((x) => literal(x, p, depth + 1)) : Object.entries(v).map(([k, x]) => `${p.key(k)}${p.sep}${literal(x, p, depth + 1)}`);
  const [open, close] = Array.isArray(v) ? ["[", "]"] : ["{", "}"];
  if (entries.length === 0) return open + close;
  const inner = Array.isArray(v) ? "" : p.brace;
  const flat = `${open}${inner}${entries.join(", ")}${inner}${close}`;
  if (!flat.includes("\n") && flat.length + pad.length <= WIDTH) return flat;
  return `${open}\n${entries.map((e) => pad + e + ",").join("\n")}\n${end}${close}`;
}

/** A JSON value as a Python literal (True/False/None, dicts and lists). */
export function toPython(v: unknown, depth = 0): string {
  return literal(v as Json, PY, depth);
}

/** A JSON value as a JavaScript/TypeScript literal (bare keys where they are identifiers). */
export function toJs(v: unknown, depth = 0): string {
  return literal(v as Json, JS, depth);
}
