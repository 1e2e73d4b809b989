/**
 * The conformance matrix (case × provider: pass, skip, fail), printed with the test output
 * and kept in `docs/providers.md` between two markers. A run whose matrix differs from
 * the docs fails, so the docs never claim more (or less) than the suite proves;
 * `TESSERA_WRITE_MATRIX=1 npm test` rewrites the docs' copy.
 */
import { readFileSync, writeFileSync } from "node:fs";

export type Outcome = "pass" | "skip" | "FAIL";

/** The markers around a matrix in a docs file; `name` tells several matrices in one file apart. */
function markers(name = "conformance-matrix"): { START: string; END: string } {
  return { START: `<!-- ${name}:start -->`, END: `<!-- ${name}:end -->` };
}
const MARK: Record<Outcome, string> = { pass: "✅", skip: "—", FAIL: "❌" };

export class Matrix {
  private readonly cells = new Map<string, Map<string, Outcome>>();
  /** Rows and columns in the order given, whatever order the outcomes arrive in. */
  constructor(
    private readonly providers: readonly string[],
    private readonly cases: readonly string[],
  ) {}

  record(provider: string, testCase: string, outcome: Outcome): void {
    let row = this.cells.get(testCase);
    if (!row) this.cells.set(testCase, (row = new Map()));
    row.set(provider, outcome);
  }

  get failed(): boolean {
    return [...this.cells.values()].some((row) => [...row.values()].includes("FAIL"));
  }

  markdown(): string {
    const head = `| case | ${this.providers.join(" | ")} |`;
    const rule = `|---|${this.providers.map(() => ":-:").join("|")}|`;
    const rows = this.cases.map((c) => `| ${c} | ${this.providers.map((p) => MARK[this.cells.get(c)?.get(p) ?? "skip"]).join(" | ")} |`);
    return [head, rule, ...rows].join("\n");
  }

  /** The docs' copy of the matrix, or undefined when the markers are missing. */
  static readDocs(path: string, name?: string): string | undefined {
    const { START, END } = markers(name);
    const text = readFileSync(path, "utf8");
    const a = text.indexOf(START);
    const b = text.indexOf(END);
    if (a < 0 || b < a) return undefined;
    return text.slice(a + START.length, b).trim();
  }

  static writeDocs(path: string, matrix: string, name?: string): void {
    const { START, END } = markers(name);
    const text = readFileSync(path, "utf8");
    const a = text.indexOf(START);
    const b = text.indexOf(END);
    const block = `${START}\n${matrix}\n${END}`;
    writeFileSync(path, a >= 0 && b > a ? text.slice(0, a) + block + text.slice(b + END.length) : `${text.trimEnd()}\n\n${block}\n`);
  }
}
