/**
 * The provider conformance suite: every chat adapter (OpenAI-shaped and native) runs the
 * same cases end to end — HTTP into a running gateway, the provider's mock out — and a
 * case is skipped only when the fixture declares its capability absent. The matrix of
 * outcomes is printed and must match the copy in docs/providers.md.
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { startRuntime, type Runtime } from "../runtime.js";
import { CASES } from "../../testing/conformance/cases/index.js";
import { makeContext, type CaseContext } from "../../testing/conformance/harness.js";
import { Matrix } from "../../testing/conformance/matrix.js";
import { ALL_FIXTURES } from "../../testing/mocks/fixtures.js";
import type { MockServer } from "../../testing/mocks/mock-server.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const TOKEN = "conformance-admin-token";
const DOCS = resolve(import.meta.dirname, "../../docs/providers.md");
const matrix = new Matrix(
  ALL_FIXTURES.map((f) => f.label),
  CASES.map((c) => c.name),
);
let rt: Runtime;

function slug(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

async function createEndpoint(name: string, externalModel: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${rt.url}/api/2.0/serving-endpoints`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name, config: { served_entities: [{ name: "entity", external_model: externalModel }] } }),
  });
  assert.equal(res.status, 200, `creating ${name}: ${await res.text()}`);
}

before(async () => {
  rt = await startRuntime({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), "tessera-conformance-")),
    env: { TESSERA_ADMIN_TOKEN: TOKEN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "500" },
  });
});

after(async () => {
  await rt.close();
  const md = matrix.markdown();
  console.log(`\nProvider conformance matrix (✅ pass, — skipped: capability absent, ❌ fail)\n\n${md}\n`);
  if (process.env["TESSERA_WRITE_MATRIX"] === "1") Matrix.writeDocs(DOCS, md);
  else if (!matrix.failed) assert.equal(Matrix.readDocs(DOCS), md, "docs/providers.md holds an outdated matrix: run TESSERA_WRITE_MATRIX=1 npm test");
});

for (const fx of ALL_FIXTURES) {
  describe(`conformance: ${fx.label}`, () => {
    let mock: MockServer;
    let c: CaseContext;
    before(async () => {
      mock = await fx.startMock();
      const base = `cf-${slug(fx.label)}`;
      const endpoints: CaseContext["endpoints"] = { chat: `${base}-chat` };
      await createEndpoint(endpoints.chat, fx.externalModel(mock.url, "llm/v1/chat"));
      if (fx.capabilities.has("completions")) {
        endpoints.completions = `${base}-completions`;
        await createEndpoint(endpoints.completions, fx.externalModel(mock.url, "llm/v1/completions"));
      }
      if (fx.capabilities.has("embeddings")) {
        endpoints.embeddings = `${base}-embeddings`;
        await createEndpoint(endpoints.embeddings, fx.externalModel(mock.url, "llm/v1/embeddings"));
      }
      c = makeContext(fx, mock, rt.url, TOKEN, endpoints);
    });
    after(() => mock.close());

    for (const tc of CASES) {
      const missing = tc.needs.filter((n) => !fx.capabilities.has(n));
      if (missing.length) {
        matrix.record(fx.label, tc.name, "skip");
        it(tc.name, { skip: `capability absent: ${missing.join(", ")}` }, () => {});
        continue;
      }
      it(tc.name, async () => {
        mock.reset();
        try {
          await tc.run(c);
          matrix.record(fx.label, tc.name, "pass");
        } catch (err) {
          matrix.record(fx.label, tc.name, "FAIL");
          throw err;
        }
      });
    }
  });
}
