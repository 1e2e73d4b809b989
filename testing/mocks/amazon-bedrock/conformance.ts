/**
 * Conformance fixtures for `amazon-bedrock`: Claude (`bedrock_provider: anthropic`) and
 * Amazon's own models (Nova for chat, Titan for embeddings), both served by the Bedrock
 * mock. The view reads a Converse request back into neutral terms.
 */
import type { Capability, ConformanceFixture, UpstreamView } from "../conformance.js";
import type { RecordedRequest } from "../mock-server.js";
import { MOCK_AWS, startMockBedrock } from "./server.js";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The tool the adapter adds to carry a JSON answer (not one of the caller's tools). */
const JSON_TOOL = "json_response";

const texts = (blocks: unknown[]): string =>
  blocks
    .map(obj)
    .filter((b) => typeof b["text"] === "string")
    .map((b) => String(b["text"]))
    .join("");

function countCachePoints(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + countCachePoints(x), 0);
  if (!v || typeof v !== "object") return 0;
  let n = 0;
  for (const [k, x] of Object.entries(v as Obj)) n += k === "cachePoint" ? 1 : countCachePoints(x);
  return n;
}

/** Reads a Converse / ConverseStream request. */
export function converseView(req: RecordedRequest): UpstreamView {
  const body = obj(req.json);
  const messages = list(body["messages"]).map(obj);
  const blocks = (role: string) => messages.filter((m) => m["role"] === role).flatMap((m) => list(m["content"]).map(obj));
  const specs = list(obj(body["toolConfig"])["tools"])
    .map((t) => obj(obj(t)["toolSpec"]))
    .filter((s) => typeof s["name"] === "string");
  const inference = obj(body["inferenceConfig"]);
  const imagesIn = (bs: Obj[]): Array<{ mediaType: string; data: string }> =>
    bs.flatMap((b) => {
      if (b["image"]) {
        const img = obj(b["image"]);
        return [{ mediaType: `image/${String(img["format"])}`, data: String(obj(img["source"])["bytes"]) }];
      }
      if (b["toolResult"]) return imagesIn(list(obj(b["toolResult"])["content"]).map(obj));
      return [];
    });
  return {
    system: () => {
      const s = texts(list(body["system"]));
      return list(body["system"]).length ? s : undefined;
    },
    turns: () =>
      messages.flatMap((m) => {
        const content = list(m["content"]).map(obj);
        if (m["role"] === "assistant") return [{ role: "assistant", text: texts(content) }];
        const out: Array<{ role: string; text: string }> = [];
        for (const b of content) {
          if (b["toolResult"]) out.push({ role: "tool", text: texts(list(obj(b["toolResult"])["content"])) });
          else if (typeof b["text"] === "string") {
            const last = out[out.length - 1];
            if (last && last.role === "user") last.text += String(b["text"]);
            else out.push({ role: "user", text: String(b["text"]) });
          }
        }
        return out.length ? out : [{ role: "user", text: "" }];
      }),
    toolNames: () => specs.map((s) => String(s["name"])).filter((n) => n !== JSON_TOOL),
    historyToolCalls: () =>
      blocks("assistant")
        .filter((b) => b["toolUse"])
        .map((b) => {
          const t = obj(b["toolUse"]);
          return { id: String(t["toolUseId"]), name: String(t["name"]), arguments: t["input"] };
        }),
    toolResults: () =>
      blocks("user")
        .filter((b) => b["toolResult"])
        .map((b) => {
          const t = obj(b["toolResult"]);
          return { id: String(t["toolUseId"]), text: texts(list(t["content"])) };
        }),
    images: () => imagesIn(blocks("user")),
    jsonSchema: () => {
      const tool = specs.find((s) => s["name"] === JSON_TOOL);
      if (tool) return obj(tool["inputSchema"])["json"];
      const schema = obj(obj(obj(obj(body["outputConfig"])["textFormat"])["structure"])["jsonSchema"])["schema"];
      return typeof schema === "string" ? (JSON.parse(schema) as unknown) : undefined;
    },
    reasoning: () =>
      blocks("assistant")
        .map((b) => obj(obj(b["reasoningContent"])["reasoningText"]))
        .filter((r) => typeof r["text"] === "string")
        .map((r) => ({ text: String(r["text"]), signature: String(r["signature"]) })),
    cacheMarks: () => countCachePoints(body["system"]) + countCachePoints(body["messages"]) + countCachePoints(obj(body["toolConfig"])["tools"]),
    maxTokens: () => inference["maxTokens"] as number | undefined,
    temperature: () => inference["temperature"] as number | undefined,
    streamed: () => req.path.endsWith("/converse-stream"),
    clientTools: () => {
      const fields = obj(body["additionalModelRequestFields"]);
      return {
        tools: list(fields["tools"]).map(obj).map((t) => ({ type: String(t["type"]), name: String(t["name"]) })),
        betas: list(fields["anthropic_beta"]).map(String),
      };
    },
  };
}

function config(url: string, family: string): Obj {
  return {
    aws_region: MOCK_AWS.region,
    aws_access_key_id_plaintext: MOCK_AWS.accessKeyId,
    aws_secret_access_key_plaintext: MOCK_AWS.secretAccessKey,
    bedrock_provider: family,
    aws_endpoint_url: url,
  };
}

export const amazonBedrockFixtures: ConformanceFixture[] = [
  {
    label: "amazon-bedrock/anthropic",
    capabilities: new Set<Capability>(["tools", "parallel-tools", "json-schema", "vision", "reasoning", "signed-reasoning", "caching", "cached-usage", "completions", "computer-use"]),
    startMock: () => startMockBedrock(),
    externalModel: (url, task) => ({ provider: "amazon-bedrock", name: "anthropic.claude-3-7-sonnet-20250219-v1:0", task, amazon_bedrock_config: config(url, "anthropic") }),
    view: converseView,
  },
  {
    label: "amazon-bedrock/amazon",
    capabilities: new Set<Capability>(["tools", "parallel-tools", "json-schema", "vision", "completions", "embeddings"]),
    startMock: () => startMockBedrock(),
    externalModel: (url, task) => ({
      provider: "amazon-bedrock",
      name: task === "llm/v1/embeddings" ? "amazon.titan-embed-text-v2:0" : "amazon.nova-pro-v1:0",
      task,
      amazon_bedrock_config: config(url, "amazon"),
    }),
    view: converseView,
  },
];
