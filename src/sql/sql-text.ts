/**
 * A small scanner over SQL text: enough to find function calls and split their arguments
 * without being fooled by string literals, quoted identifiers or comments. It is not a SQL
 * parser — DuckDB parses the statement after `rewrite.ts` has turned Databricks' spelling
 * of the AI functions into DuckDB's; this only has to find the calls and their arguments.
 */

/** Index just past the literal, quoted identifier or comment starting at `i`, or `i` when none starts there. */
export function skipOpaque(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'" || c === '"' || c === "`") {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === c) {
        if (sql[j + 1] === c) j += 2;
        else return j + 1;
      } else j++;
    }
    return sql.length;
  }
  if (c === "-" && sql[i + 1] === "-") {
    const end = sql.indexOf("\n", i);
    return end < 0 ? sql.length : end + 1;
  }
  if (c === "/" && sql[i + 1] === "*") {
    const end = sql.indexOf("*/", i + 2);
    return end < 0 ? sql.length : end + 2;
  }
  return i;
}

/** Index of the parenthesis closing the one at `open`; -1 when it is not closed. */
export function closingParen(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length; ) {
    const skip = skipOpaque(sql, i);
    if (skip !== i) {
      i = skip;
      continue;
    }
    const c = sql[i];
    if (c === "(") depth++;
    else if (c === ")") {
      depth--;
      if (depth === 0) return i;
    }
    i++;
  }
  return -1;
}

/** The top-level, comma-separated arguments between `open` and `close` (exclusive), trimmed. */
export function splitArgs(sql: string, open: number, close: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < close; ) {
    const skip = skipOpaque(sql, i);
    if (skip !== i) {
      i = skip;
      continue;
    }
    const c = sql[i];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      args.push(sql.slice(start, i).trim());
      start = i + 1;
    }
    i++;
  }
  const last = sql.slice(start, close).trim();
  if (last !== "" || args.length) args.push(last);
  return args;
}

export interface FoundCall {
  /** The function name as written (original case). */
  name: string;
  /** Index of the name's first character. */
  start: number;
  /** Index of the opening parenthesis. */
  open: number;
  /** Index of the closing parenthesis. */
  close: number;
}

const IDENT = /[A-Za-z0-9_]/;

/**
 * The first call at or after `from` of a function whose lower-cased name is in `names`
 * (`name (` with optional space, not a qualified `x.name(`, not inside a literal or comment).
 */
export function findCall(sql: string, names: ReadonlySet<string>, from = 0): FoundCall | undefined {
  for (let i = from; i < sql.length; ) {
    const skip = skipOpaque(sql, i);
    if (skip !== i) {
      i = skip;
      continue;
    }
    if (IDENT.test(sql[i] as string) && (i === 0 || !IDENT.test(sql[i - 1] as string))) {
      let j = i;
      while (j < sql.length && IDENT.test(sql[j] as string)) j++;
      const word = sql.slice(i, j);
      let k = j;
      while (k < sql.length && /\s/.test(sql[k] as string)) k++;
      if (sql[k] === "(" && names.has(word.toLowerCase()) && sql[i - 1] !== ".") {
        const close = closingParen(sql, k);
        if (close > 0) return { name: word, start: i, open: k, close };
      }
      i = j;
      continue;
    }
    i++;
  }
  return undefined;
}

/** `name => value` (Databricks) or `name := value` (DuckDB): the name and the value's text; undefined for a positional argument. */
export function namedArg(arg: string): { name: string; value: string } | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*(=>|:=)\s*([\s\S]*)$/.exec(arg);
  return m ? { name: m[1] as string, value: (m[3] as string).trim() } : undefined;
}

/** The value of a single-quoted SQL string literal (`'it''s'` → `it's`), or undefined when `text` is not one. */
export function stringLiteral(text: string): string | undefined {
  const t = text.trim();
  if (t.length < 2 || t[0] !== "'" || skipOpaque(t, 0) !== t.length) return undefined;
  return t.slice(1, -1).replace(/''/g, "'");
}

/** A SQL string literal for `value`. */
export function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
