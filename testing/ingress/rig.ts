/**
 * What the ingress tests share: a running Tessera (in process, real HTTP on loopback) with
 * two chat endpoints, one OpenAI-backed and one Anthropic-backed, each served by its mock.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { startMockAnthropic } from "../mocks/anthropic/server.js";
import type { MockServer } from "../mocks/mock-server.js";
import { startMockOpenAIWire } from "../mocks/openai/server.js";

export const RIG_TOKEN = "ingress-admin-token";
const ANT_KEY = "sk-ant-ingress-test-key";

export interface IngressRig {
  url: string;
  openaiMock: MockServer;
  anthropicMock: MockServer;
  /** The endpoints by backing provider, and the mock behind each. */
  backends: ReadonlyArray<{ label: string; endpoint: string; mock: MockServer }>;
  close(): Promise<void>;
}

async function createEndpoint(rt: Runtime, name: string, externalModel: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${rt.url}/api/2.0/serving-endpoints`, {
    method: "POST",
    headers: { authorization: `Bearer ${RIG_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name, config: { served_entities: [{ name: "entity", external_model: externalModel }] } }),
  });
  assert.equal(res.status, 200, await res.text());
}

export async function startIngressRig(): Promise<IngressRig> {
  const rt = await startRuntime({ port: 0, dataDir: mkdtempSync(join(tmpdir(), "tessera-ingress-")), env: { TESSERA_ADMIN_TOKEN: RIG_TOKEN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "200" } });
  const openaiMock = await startMockOpenAIWire();
  const anthropicMock = await startMockAnthropic({ apiKey: ANT_KEY });
  await createEndpoint(rt, "via-openai", { provider: "openai", name: "gpt-test", task: "llm/v1/chat", openai_config: { openai_api_key_plaintext: "sk-openai-test", openai_api_base: `${openaiMock.url}/v1` } });
  await createEndpoint(rt, "via-anthropic", { provider: "anthropic", name: "claude-sonnet-4-6", task: "llm/v1/chat", anthropic_config: { anthropic_api_key_plaintext: ANT_KEY, anthropic_api_base: anthropicMock.url } });
  return {
    url: rt.url,
    openaiMock,
    anthropicMock,
    backends: [
      { label: "OpenAI-backed", endpoint: "via-openai", mock: openaiMock },
      { label: "Anthropic-backed", endpoint: "via-anthropic", mock: anthropicMock },
    ],
    async close() {
      await rt.close();
      await openaiMock.close();
      await anthropicMock.close();
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
