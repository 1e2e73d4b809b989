/**
 * SQL types across the two dialects: Databricks' type text (`STRUCT<a: STRING, b: INT>`,
 * `ARRAY<FLOAT>`), DuckDB's (`STRUCT(a VARCHAR, b INTEGER)`, `FLOAT[]`), and JSON schema
 * (what a structured-output request sends the model). `ai_query`'s `returnType` and a DDL
 * `responseFormat` are written the Databricks way; DuckDB casts to its own spelling.
 */
import { errors } from "../gateway/errors.js";
import type { JsonObject } from "../gateway/types.js";

/** A parsed SQL type, dialect-neutral. */
export type SqlType =
  | { kind: "scalar"; name: string }
  | { kind: "array"; element: SqlType }
  | { kind: "map"; key: SqlType; value: SqlType }
  | { kind: "struct"; fields: Array<{ name: string; type: SqlType }> };

const SCALARS: Record<string, string> = {
  STRING: "VARCHAR",
  VARCHAR: "VARCHAR",
  CHAR: "VARCHAR",
  TEXT: "VARCHAR",
  INT: "INTEGER",
  INTEGER: "INTEGER",
  BIGINT: "BIGINT",
  LONG: "BIGINT",
  SMALLINT: "SMALLINT",
  SHORT: "SMALLINT",
  TINYINT: "TINYINT",
  BYTE: "TINYINT",
  FLOAT: "FLOAT",
  REAL: "FLOAT",
  DOUBLE: "DOUBLE",
  BOOLEAN: "BOOLEAN",
  BOOL: "BOOLEAN",
  DATE: "DATE",
  TIMESTAMP: "TIMESTAMP",
  TIMESTAMP_NTZ: "TIMESTAMP",
  DECIMAL: "DECIMAL(18,3)",
  BINARY: "BLOB",
};

/** Parses Databricks type text; a clear 400 naming the text when it is not a type. */
export function parseSqlType(text: string): SqlType {
  const p = new TypeParser(text);
  const t = p.type();
  p.end();
  return t;
}

class TypeParser {
  private i = 0;
  constructor(private readonly s: string) {}

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i] as string)) this.i++;
  }
  private fail(): never {
    throw errors.invalidParameter("returnType", `'${this.s}' is not a SQL type (write e.g. STRING, INT, ARRAY<FLOAT>, STRUCT<label: STRING, score: DOUBLE>).`);
  }
  private word(): string {
    this.ws();
    const m = /^[A-Za-z_][A-Za-z0-9_]*|^`[^`]+`/.exec(this.s.slice(this.i));
    if (!m) this.fail();
    this.i += m[0].length;
    return m[0].replace(/`/g, "");
  }
  private eat(c: string): boolean {
    this.ws();
    if (this.s[this.i] === c) {
      this.i++;
      return true;
    }
    return false;
  }
  private expect(c: string): void {
    if (!this.eat(c)) this.fail();
  }
  end(): void {
    this.ws();
    if (this.i !== this.s.length) this.fail();
  }
  type(): SqlType {
    const name = this.word().toUpperCase();
    if (name === "ARRAY") {
      this.expect("<");
      const element = this.type();
      this.expect(">");
      return { kind: "array", element };
    }
    if (name === "MAP") {
      this.expect("<");
      const key = this.type();
      this.expect(",");
      const value = this.type();
      this.expect(">");
      return { kind: "map", key, value };
    }
    if (name === "STRUCT") {
      this.expect("<");
      const fields: Array<{ name: string; type: SqlType }> = [];
      do {
        const field = this.word();
        this.eat(":");
        fields.push({ name: field, type: this.type() });
      } while (this.eat(","));
      this.expect(">");
      return { kind: "struct", fields };
    }
    if (name === "DECIMAL" && this.eat("(")) {
      const m = /^\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(this.s.slice(this.i));
      if (!m) this.fail();
      this.i += m[0].length;
      return { kind: "scalar", name: `DECIMAL(${m[1]},${m[2] ?? "0"})` };
    }
    const scalar = SCALARS[name];
    if (!scalar) this.fail();
    return { kind: "scalar", name: scalar };
  }
}

/** DuckDB's spelling of a type. */
export function duckType(t: SqlType): string {
  switch (t.kind) {
    case "scalar":
      return t.name;
    case "array":
      return `${duckType(t.element)}[]`;
    case "map":
      return `MAP(${duckType(t.key)}, ${duckType(t.value)})`;
    case "struct":
      return `STRUCT(${t.fields.map((f) => `"${f.name.replace(/"/g, '""')}" ${duckType(f.type)}`).join(", ")})`;
  }
}

export const STRING_TYPE: SqlType = { kind: "scalar", name: "VARCHAR" };
export const FLOAT_ARRAY: SqlType = { kind: "array", element: { kind: "scalar", name: "FLOAT" } };

/** A JSON schema's SQL type (objects → STRUCT, arrays → ARRAY, enums and strings → STRING). */
export function typeOfSchema(schema: unknown): SqlType {
  const s = (typeof schema === "object" && schema !== null ? schema : {}) as JsonObject;
  const type = Array.isArray(s["type"]) ? (s["type"] as unknown[]).find((x) => x !== "null") : s["type"];
  switch (type) {
    case "object": {
      const props = (typeof s["properties"] === "object" && s["properties"] !== null ? s["properties"] : {}) as JsonObject;
      const fields = Object.entries(props).map(([name, v]) => ({ name, type: typeOfSchema(v) }));
      if (!fields.length) return STRING_TYPE;
      return { kind: "struct", fields };
    }
    case "array":
      return { kind: "array", element: typeOfSchema(s["items"]) };
    case "integer":
      return { kind: "scalar", name: "BIGINT" };
    case "number":
      return { kind: "scalar", name: "DOUBLE" };
    case "boolean":
      return { kind: "scalar", name: "BOOLEAN" };
    default:
      return STRING_TYPE;
  }
}

/** The JSON schema a SQL type asks the model for (every field required, as strict structured outputs want). */
export function schemaOfType(t: SqlType): JsonObject {
  switch (t.kind) {
    case "array":
      return { type: "array", items: schemaOfType(t.element) };
    case "map":
      return { type: "object", additionalProperties: schemaOfType(t.value) };
    case "struct":
      return {
        type: "object",
        properties: Object.fromEntries(t.fields.map((f) => [f.name, schemaOfType(f.type)])),
        required: t.fields.map((f) => f.name),
        additionalProperties: false,
      };
    case "scalar":
      if (/^(INTEGER|BIGINT|SMALLINT|TINYINT)$/.test(t.name)) return { type: "integer" };
      if (/^(FLOAT|DOUBLE|DECIMAL)/.test(t.name)) return { type: "number" };
      if (t.name === "BOOLEAN") return { type: "boolean" };
      return { type: "string" };
  }
}

/** Whether the value is a plain string in SQL (the answer goes to DuckDB as text, not JSON). */
export function isString(t: SqlType): boolean {
  return t.kind === "scalar" && t.name === "VARCHAR";
}
