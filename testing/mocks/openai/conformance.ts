/**
 * Conformance fixtures for the OpenAI-shaped providers, all served by the OpenAI-wire mock.
 * Their translation is a pass-through, so the view reads OpenAI's own request shape back.
 */
import type { Capability, ConformanceFixture, UpstreamView } from "../conformance.js";
import type { RecordedRequest } from "../mock-server.js";
import { startMockOpenAIWire } from "./server.js";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  return list(content)
    .map(obj)
    .filter((p) => p["type"] === "text")
    .map((p) => String(p["text"] ?? ""))
    .join("");
}

function countCacheMarks(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + countCacheMarks(x), 0);
  if (!v || typeof v !== "object") return 0;
  let n = 0;
  for (const [k, x] of Object.entries(v as Obj)) n += k === "cache_control" ? 1 : countCacheMarks(x);
  return n;
}

/** Reads an OpenAI chat request. */
export function openaiView(req: RecordedRequest): UpstreamView {
  const body = obj(req.json);
  const messages = list(body["messages"]).map(obj);
  const isSystem = (m: Obj) => m["role"] === "system" || m["role"] === "developer";
  return {
    system: () => {
      const s = messages.filter(isSystem).map((m) => textOf(m["content"]));
      return s.length ? s.join("\n") : undefined;
    },
    turns: () => messages.filter((m) => !isSystem(m)).map((m) => ({ role: String(m["role"]), text: textOf(m["content"]) })),
    toolNames: () => list(body["tools"]).map((t) => String(obj(obj(t)["function"])["name"])),
    historyToolCalls: () =>
      messages.flatMap((m) =>
        list(m["tool_calls"]).map((c) => {
          const f = obj(obj(c)["function"]);
          return { id: String(obj(c)["id"]), name: String(f["name"]), arguments: JSON.parse(String(f["arguments"] || "{}")) as unknown };
        }),
      ),
    toolResults: () => messages.filter((m) => m["role"] === "tool").map((m) => ({ id: String(m["tool_call_id"]), text: textOf(m["content"]) })),
    images: () =>
      messages.flatMap((m) =>
        list(m["content"])
          .map(obj)
          .filter((p) => p["type"] === "image_url")
          .map((p) => {
            const url = String(obj(p["image_url"])["url"]);
            const m2 = /^data:([^;]+);base64,(.*)$/.exec(url);
            return { mediaType: m2?.[1] ?? "", data: m2?.[2] ?? url };
          }),
      ),
    jsonSchema: () => obj(obj(body["response_format"])["json_schema"])["schema"],
    reasoning: () =>
      messages.flatMap((m) =>
        list(m["content"])
          .map(obj)
          .filter((p) => p["type"] === "reasoning")
          .flatMap((p) => list(p["summary"]).map(obj))
          .filter((s) => s["type"] === "summary_text")
          .map((s) => ({ text: String(s["text"]), signature: String(s["signature"]) })),
      ),
    cacheMarks: () => countCacheMarks(messages) + countCacheMarks(body["tools"]),
    maxTokens: () => (body["max_tokens"] ?? body["max_completion_tokens"]) as number | undefined,
    temperature: () => body["temperature"] as number | undefined,
    streamed: () => body["stream"] === true,
  };
}

const COMMON: Capability[] = ["tools", "parallel-tools", "json-schema", "vision", "cached-usage"];
const key = "sk-conformance-openai-key";

export const openaiWireFixtures: ConformanceFixture[] = [
  {
    label: "openai",
    capabilities: new Set<Capability>([...COMMON, "embeddings", "completions"]),
    startMock: startMockOpenAIWire,
    externalModel: (url, task) => ({ provider: "openai", name: "gpt-test", task, openai_config: { openai_api_key_plaintext: key, openai_api_base: `${url}/v1` } }),
    view: openaiView,
  },
  {
    label: "openai (azure)",
    capabilities: new Set<Capability>([...COMMON, "embeddings", "completions"]),
    startMock: startMockOpenAIWire,
    externalModel: (url, task) => ({
      provider: "openai",
      name: "gpt-test",
      task,
      openai_config: { openai_api_type: "azure", openai_api_key_plaintext: key, openai_api_base: url, openai_deployment_name: "dep", openai_api_version: "2024-10-21" },
    }),
    view: openaiView,
  },
  {
    label: "custom",
    capabilities: new Set<Capability>([...COMMON, "embeddings", "completions"]),
    startMock: startMockOpenAIWire,
    externalModel: (url, task) => ({ provider: "custom", name: "served-model", task, custom_provider_config: { custom_provider_url: `${url}/v1`, bearer_token_auth: { token_plaintext: key } } }),
    view: openaiView,
  },
  {
    label: "ai21labs",
    capabilities: new Set<Capability>(COMMON),
    startMock: startMockOpenAIWire,
    externalModel: (url, task) => ({ provider: "ai21labs", name: "jamba-test", task, ai21labs_config: { ai21labs_api_key_plaintext: key, ai21labs_api_base: `${url}/studio/v1` } }),
    view: openaiView,
  },
  {
    // Another Databricks-shaped endpoint: reasoning blocks and cache_control pass through both ways.
    label: "databricks-model-serving",
    capabilities: new Set<Capability>([...COMMON, "embeddings", "completions", "reasoning", "signed-reasoning", "caching"]),
    startMock: startMockOpenAIWire,
    externalModel: (url, task) => ({
      provider: "databricks-model-serving",
      name: "remote-endpoint",
      task,
      databricks_model_serving_config: { databricks_workspace_url: url, databricks_api_token_plaintext: key },
    }),
    view: openaiView,
  },
];
