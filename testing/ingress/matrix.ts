/**
 * The ingress axis of conformance: per native API, a matrix of case × backend (OpenAI,
 * Anthropic, Bedrock, Vertex) filled in by the SDK tests as they run, printed, and kept in
 * `docs/native-apis.md` between markers named after the API. A run whose matrix differs
 * from the docs fails; `TESSERA_WRITE_MATRIX=1` rewrites the docs' copy.
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { it } from "node:test";
import { Matrix, type Outcome } from "../conformance/matrix.js";
import { BACKENDS } from "./rig.js";

const DOCS = resolve(import.meta.dirname, "../../docs/native-apis.md");

export interface IngressMatrix {
  /** Declares a test that fills one cell. */
  it(backend: string, name: string, fn: () => Promise<void>): void;
  /** Prints the matrix and checks the docs' copy (call in `after`). */
  check(): void;
}

export function ingressMatrix(api: string): IngressMatrix {
  const cases: string[] = [];
  const outcomes: Array<[string, string, Outcome]> = [];
  return {
    it(backend, name, fn) {
      if (!cases.includes(name)) cases.push(name);
      it(name, async () => {
        try {
          await fn();
          outcomes.push([backend, name, "pass"]);
        } catch (err) {
          outcomes.push([backend, name, "FAIL"]);
          throw err;
        }
      });
    },
    check() {
      const m = new Matrix(
        BACKENDS.map(([label]) => label),
        cases,
      );
      for (const [b, c, o] of outcomes) m.record(b, c, o);
      const md = m.markdown();
      const name = `ingress-matrix:${api}`;
      console.log(`\n${api} ingress matrix (✅ pass, ❌ fail)\n\n${md}\n`);
      if (process.env["TESSERA_WRITE_MATRIX"] === "1") Matrix.writeDocs(DOCS, md, name);
      else if (!m.failed && outcomes.length === cases.length * BACKENDS.length) {
        assert.equal(Matrix.readDocs(DOCS, name), md, `docs/native-apis.md holds an outdated ${api} matrix: run TESSERA_WRITE_MATRIX=1 on this test`);
      }
    },
  };
}
