/**
 * SCIM filters (RFC 7644 §3.4.2.2), the part clients send: `attr op value` with the
 * operators eq, ne, co, sw, ew, gt, ge, lt, le and pr, joined by `and` / `or` (`and` binds
 * tighter), attribute names case-insensitive, sub-attributes with a dot
 * (`emails.value eq "a@b.c"`, `members.value eq "123"`). No parentheses.
 */
import { errors } from "../../gateway/errors.js";

export type Predicate = (resource: Record<string, unknown>) => boolean;

const TOKEN = /\s*("(?:[^"\\]|\\.)*"|[^\s"]+)/y;

function tokens(filter: string): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < filter.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(filter);
    if (!m) {
      if (filter.slice(pos).trim() === "") break;
      throw bad(filter);
    }
    out.push(m[1] as string);
    pos = TOKEN.lastIndex;
  }
  return out;
}

function bad(filter: string) {
  return errors.invalidParameter("filter", `Unsupported SCIM filter: ${filter}`);
}

/** Values at a (possibly dotted) attribute path, case-insensitive, flattening arrays. */
function valuesAt(resource: unknown, path: string[]): unknown[] {
  if (path.length === 0) return Array.isArray(resource) ? resource : [resource];
  if (Array.isArray(resource)) return resource.flatMap((r) => valuesAt(r, path));
  if (typeof resource !== "object" || resource === null) return [];
  const [head, ...rest] = path as [string, ...string[]];
  const key = Object.keys(resource).find((k) => k.toLowerCase() === head.toLowerCase());
  return key === undefined ? [] : valuesAt((resource as Record<string, unknown>)[key], rest);
}

function literal(text: string): string | boolean | number | null {
  if (text.startsWith('"')) return JSON.parse(text) as string;
  if (text === "true" || text === "false") return text === "true";
  if (text === "null") return null;
  const n = Number(text);
  if (Number.isFinite(n)) return n;
  throw errors.invalidParameter("filter", `Unsupported SCIM filter value: ${text}`);
}

function compare(op: string, have: unknown, want: string | boolean | number | null): boolean {
  if (typeof have === "string" && typeof want === "string") {
    const a = have.toLowerCase();
    const b = want.toLowerCase();
    switch (op) {
      case "eq": return a === b;
      case "ne": return a !== b;
      case "co": return a.includes(b);
      case "sw": return a.startsWith(b);
      case "ew": return a.endsWith(b);
      case "gt": return a > b;
      case "ge": return a >= b;
      case "lt": return a < b;
      case "le": return a <= b;
    }
  }
  if (op === "eq") return have === want || (typeof have === "boolean" && String(have) === String(want));
  if (op === "ne") return have !== want;
  if (typeof have === "number" && typeof want === "number") {
    return op === "gt" ? have > want : op === "ge" ? have >= want : op === "lt" ? have < want : op === "le" ? have <= want : false;
  }
  return false;
}

const OPS = new Set(["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]);

/** Compiles a filter; an empty one matches everything. Throws a 400 naming `filter` when it cannot be read. */
export function compileFilter(filter: string | undefined): Predicate {
  if (filter === undefined || filter.trim() === "") return () => true;
  const t = tokens(filter);
  let i = 0;
  const term = (): Predicate => {
    const attr = t[i++];
    const op = t[i++]?.toLowerCase();
    if (attr === undefined || op === undefined) throw bad(filter);
    const path = attr.split(".");
    if (op === "pr") return (r) => valuesAt(r, path).some((v) => v !== undefined && v !== null && v !== "");
    const raw = t[i++];
    if (!OPS.has(op) || raw === undefined) throw bad(filter);
    const want = literal(raw);
    if (op === "ne") return (r) => !valuesAt(r, path).some((v) => compare("eq", v, want));
    return (r) => valuesAt(r, path).some((v) => compare(op, v, want));
  };
  const conj = (): Predicate => {
    let p = term();
    while (t[i]?.toLowerCase() === "and") {
      i++;
      const a = p;
      const b = term();
      p = (r) => a(r) && b(r);
    }
    return p;
  };
  let p = conj();
  while (t[i]?.toLowerCase() === "or") {
    i++;
    const a = p;
    const b = conj();
    p = (r) => a(r) || b(r);
  }
  if (i !== t.length) throw bad(filter);
  return p;
}
