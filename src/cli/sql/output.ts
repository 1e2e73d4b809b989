/**
 * Where the result of `tessera sql` goes. `--output x.parquet|.csv|.jsonl` wraps the query
 * in DuckDB's `COPY (…) TO` so DuckDB streams it into the file chunk by chunk (nothing is
 * held); without it the rows go to stdout: a table on a terminal, CSV or JSON Lines
 * (streamed) when piped or asked for with `--format`.
 */
import { resolve } from "node:path";
import type { Cell, Column } from "../../sql/protocol.js";
import { quote } from "../../sql/sql-text.js";
import { UsageError } from "../client/errors.js";

export type FileFormat = "parquet" | "csv" | "json";
export type StdoutFormat = "table" | "csv" | "jsonl";

const EXTENSIONS: Array<[RegExp, FileFormat]> = [
  [/\.parquet$/i, "parquet"],
  [/\.csv$/i, "csv"],
  [/\.(jsonl|ndjson|json)$/i, "json"],
];

/** The file's format from its extension; a usage error for any other. */
export function fileFormat(path: string): FileFormat {
  const hit = EXTENSIONS.find(([re]) => re.test(path));
  if (!hit) throw new UsageError(`--output '${path}': the file name must end in .parquet, .csv or .jsonl`);
  return hit[1];
}

/** `COPY (<query>) TO '<abs path>' (FORMAT …)`; the query is one SELECT/WITH/VALUES/FROM statement. */
export function copyStatement(statement: string, path: string, format: FileFormat): string {
  const query = statement.trim().replace(/;+\s*$/, "");
  if (query.includes(";")) {
    // A `;` inside a string literal is fine for DuckDB; this only guides the usual mistake.
    if (/;\s*(select|with|create|insert|copy|from|values)\b/i.test(query)) throw new UsageError("--output takes one query; run the other statements first (or in a --database file)");
  }
  const options = format === "parquet" ? "FORMAT parquet" : format === "csv" ? "FORMAT csv, HEADER" : "FORMAT json";
  return `COPY (${query}) TO ${quote(resolve(path))} (${options})`;
}

export function stdoutFormat(v: string | undefined, tty: boolean): StdoutFormat {
  if (v === undefined) return tty ? "table" : "csv";
  if (v === "table" || v === "csv" || v === "jsonl") return v;
  throw new UsageError(`--format must be table, csv or jsonl, not '${v}'`);
}

function csvCell(c: Cell): string {
  if (c === null) return "";
  return /[",\n\r]/.test(c) || c === "" ? `"${c.replace(/"/g, '""')}"` : c;
}

/** A sink writing rows as they come (CSV, JSON Lines) or keeping up to `maxRows` for a table. */
export class StdoutResult {
  private columns: Column[] = [];
  private readonly kept: Cell[][] = [];
  private rows = 0;

  constructor(
    private readonly format: StdoutFormat,
    private readonly out: (s: string) => void,
    private readonly maxRows = 1_000,
    private readonly maxCell = 60,
  ) {}

  get rowCount(): number {
    return this.rows;
  }

  setColumns(columns: Column[]): void {
    this.columns = columns;
    if (this.format === "csv") this.out(`${columns.map((c) => csvCell(c.name)).join(",")}\n`);
  }

  add(rows: Cell[][]): void {
    for (const r of rows) {
      this.rows++;
      if (this.format === "csv") this.out(`${r.map(csvCell).join(",")}\n`);
      else if (this.format === "jsonl") this.out(`${JSON.stringify(Object.fromEntries(this.columns.map((c, i) => [c.name, r[i] ?? null])))}\n`);
      else if (this.kept.length < this.maxRows) this.kept.push(r);
    }
  }

  /** Prints the table (for the table format); returns how many rows it left out. */
  finish(): number {
    if (this.format !== "table") return 0;
    const fit = (c: Cell) => {
      const s = c === null ? "NULL" : c.replace(/\s+/g, " ");
      return s.length > this.maxCell ? `${s.slice(0, this.maxCell - 1)}…` : s;
    };
    const headers = this.columns.map((c) => c.name);
    const rows = this.kept.map((r) => r.map(fit));
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
    const rule = `+${widths.map((w) => "-".repeat(w + 2)).join("+")}+`;
    this.out([rule, line(headers), rule, ...rows.map(line), rule].join("\n") + "\n");
    return this.rows - this.kept.length;
  }
}
