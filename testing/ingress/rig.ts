/**
 * What the ingress tests share: a running Tessera (in process, real HTTP on loopback) with
 * one chat endpoint per provider family — OpenAI, Anthropic, Bedrock (Claude) and Vertex
 * (Gemini) — each served by that provider's conformance mock (and an OpenAI-backed
 * embeddings endpoint, `embed-openai`), and the fixture's neutral
 * view of what each mock received, so a test can check the upstream side without knowing
 * its wire format.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { amazonBedrockFixtures } from "../mocks/amazon-bedrock/conformance.js";
import { anthropicFixtures } from "../mocks/anthropic/conformance.js";
import type { ConformanceFixture, UpstreamView } from "../mocks/conformance.js";
import { vertexFixtures } from "../mocks/google-cloud-vertex-ai/conformance.js";
import type { MockServer } from "../mocks/mock-server.js";
import { openaiWireFixtures } from "../mocks/openai/conformance.js";

export const RIG_TOKEN = "ingress-admin-token";

export interface Backend {
  /** e.g. "OpenAI-backed". */
  label: string;
  endpoint: string;
  mock: MockServer;
  fx: ConformanceFixture;
  /** The neutral view of the last model call the mock received. */
  view(): UpstreamView;
  /** The model calls since the last reset (token fetches left out). */
  calls(): number;
}

export interface IngressRig {
  url: string;
  backends: readonly Backend[];
  /** A backend by endpoint name. */
  get(endpoint: string): Backend;
  close(): Promise<void>;
}

function pick(fixtures: readonly ConformanceFixture[], label: string): ConformanceFixture {
  const f = fixtures.find((x) => x.label === label);
  if (!f) throw new Error(`no fixture ${label}`);
  return f;
}

const FAMILIES: ReadonlyArray<[string, string, ConformanceFixture]> = [
  ["OpenAI-backed", "via-openai", pick(openaiWireFixtures, "openai")],
  ["Anthropic-backed", "via-anthropic", pick(anthropicFixtures, "anthropic")],
  ["Bedrock-backed", "via-bedrock", pick(amazonBedrockFixtures, "amazon-bedrock/anthropic")],
  ["Vertex-backed", "via-vertex", pick(vertexFixtures, "google-cloud-vertex-ai")],
];

/** The backends' labels and endpoint names, known before the rig starts (for declaring tests). */
export const BACKENDS: ReadonlyArray<readonly [label: string, endpoint: string]> = FAMILIES.map(([label, endpoint]) => [label, endpoint] as const);

async function createEndpoint(rt: Runtime, name: string, externalModel: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${rt.url}/api/2.0/serving-endpoints`, {
    method: "POST",
    headers: { authorization: `Bearer ${RIG_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name, config: { served_entities: [{ name: "entity", external_model: externalModel }] } }),
  });
  assert.equal(res.status, 200, await res.text());
}

export async function startIngressRig(): Promise<IngressRig> {
  const rt = await startRuntime({ port: 0, dataDir: mkdtempSync(join(tmpdir(), "tessera-ingress-")), env: { TESSERA_ADMIN_TOKEN: RIG_TOKEN, TESSERA_LOG_LEVEL: process.env["TESSERA_RIG_LOG"] ?? "silent", TESSERA_SHUTDOWN_GRACE_MS: "200" } });
  const backends: Backend[] = [];
  for (const [label, endpoint, fx] of FAMILIES) {
    const mock = await fx.startMock();
    await createEndpoint(rt, endpoint, fx.externalModel(mock.url, "llm/v1/chat"));
    const model = () => mock.requests.filter((r) => (fx.isModelCall ? fx.isModelCall(r) : true));
    if (label === "OpenAI-backed") await createEndpoint(rt, "embed-openai", fx.externalModel(mock.url, "llm/v1/embeddings"));
    backends.push({
      label,
      endpoint,
      mock,
      fx,
      calls: () => model().length,
      view() {
        const last = model().at(-1);
        if (!last) throw new Error(`${label}: the mock received no model call`);
        return fx.view(last);
      },
    });
  }
  return {
    url: rt.url,
    backends,
    get(endpoint) {
      const b = backends.find((x) => x.endpoint === endpoint);
      if (!b) throw new Error(`no backend ${endpoint}`);
      return b;
    },
    async close() {
      await rt.close();
      for (const b of backends) await b.mock.close();
    },
  };
}

/** The named SSE events of a response body: event names and parsed data. */
export async function namedEvents(res: Response): Promise<Array<{ event: string; data: Record<string, unknown> }>> {
  const out: Array<{ event: string; data: Record<string, unknown> }> = [];
  for (const frame of (await res.text()).split("\n\n")) {
    const ev = /^event: (.*)$/m.exec(frame)?.[1];
    const data = /^data: (.*)$/m.exec(frame)?.[1];
    if (ev && data) out.push({ event: ev, data: JSON.parse(data) as Record<string, unknown> });
  }
  return out;
}
