/**
 * The Anthropic entry of the conformance suite: the mock, the endpoint config pointing
 * at it, and a reader of the Messages body the mock received, in neutral terms.
 */
import type { Capability, ConformanceFixture, UpstreamView } from "../conformance.js";
import type { RecordedRequest } from "../mock-server.js";
import { startMockAnthropic } from "./server.js";

type Obj = Record<string, unknown>;

const KEY = "sk-ant-conformance-key-0001";

const CAPABILITIES: readonly Capability[] = ["tools", "parallel-tools", "json-schema", "vision", "reasoning", "signed-reasoning", "caching", "completions", "cached-usage", "computer-use"];

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function blocksOf(content: unknown): Obj[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return Array.isArray(content) ? content.filter(isObj) : [];
}

function textOfBlocks(blocks: Obj[]): string {
  return blocks
    .filter((b) => b["type"] === "text" && typeof b["text"] === "string")
    .map((b) => b["text"] as string)
    .join("");
}

/** Every cache mark in a value: on system blocks, content blocks (tool results' too), tools, or the body. */
function countMarks(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + countMarks(x), 0);
  if (!isObj(v)) return 0;
  let n = isObj(v["cache_control"]) ? 1 : 0;
  for (const [k, x] of Object.entries(v)) if (k !== "cache_control") n += countMarks(x);
  return n;
}

function viewOf(req: RecordedRequest): UpstreamView {
  const body: Obj = isObj(req.json) ? req.json : {};
  const messages = (Array.isArray(body["messages"]) ? body["messages"] : []).filter(isObj);
  const blocksWhere = (role: string) => messages.filter((m) => m["role"] === role).flatMap((m) => blocksOf(m["content"]));
  return {
    system() {
      const s = body["system"];
      if (s === undefined) return undefined;
      return typeof s === "string" ? s : blocksOf(s).map((b) => String(b["text"] ?? "")).join("\n");
    },
    turns() {
      const out: Array<{ role: string; text: string }> = [];
      for (const m of messages) {
        const blocks = blocksOf(m["content"]);
        if (m["role"] === "assistant") {
          out.push({ role: "assistant", text: textOfBlocks(blocks) });
          continue;
        }
        // A user turn holds the tool results (first) and then the user's own content.
        for (const b of blocks) if (b["type"] === "tool_result") out.push({ role: "tool", text: resultText(b) });
        const own = blocks.filter((b) => b["type"] !== "tool_result");
        if (own.length) out.push({ role: "user", text: textOfBlocks(own) });
      }
      return out;
    },
    toolNames() {
      const tools = Array.isArray(body["tools"]) ? body["tools"].filter(isObj) : [];
      return tools.map((t) => String(t["name"]));
    },
    historyToolCalls() {
      return blocksWhere("assistant")
        .filter((b) => b["type"] === "tool_use")
        .map((b) => ({ id: String(b["id"]), name: String(b["name"]), arguments: b["input"] }));
    },
    toolResults() {
      return blocksWhere("user")
        .filter((b) => b["type"] === "tool_result")
        .map((b) => ({ id: String(b["tool_use_id"]), text: resultText(b) }));
    },
    images() {
      const nested = blocksWhere("user").flatMap((b) => (b["type"] === "tool_result" ? blocksOf(b["content"]) : [b]));
      return nested
        .filter((b) => b["type"] === "image" && isObj(b["source"]))
        .map((b) => {
          const src = b["source"] as Obj;
          return { mediaType: String(src["media_type"]), data: String(src["data"]) };
        });
    },
    jsonSchema() {
      const oc = body["output_config"];
      const format = isObj(oc) ? oc["format"] : undefined;
      return isObj(format) ? format["schema"] : undefined;
    },
    reasoning() {
      return blocksWhere("assistant")
        .filter((b) => b["type"] === "thinking")
        .map((b) => ({ text: String(b["thinking"]), signature: String(b["signature"]) }));
    },
    cacheMarks: () => countMarks(body),
    maxTokens: () => (typeof body["max_tokens"] === "number" ? body["max_tokens"] : undefined),
    temperature: () => (typeof body["temperature"] === "number" ? body["temperature"] : undefined),
    streamed: () => body["stream"] === true,
    clientTools() {
      const tools = (Array.isArray(body["tools"]) ? body["tools"] : []).filter(isObj).filter((t) => t["type"] !== undefined && t["type"] !== "custom");
      const h = req.headers["anthropic-beta"];
      const betas = (Array.isArray(h) ? h.join(",") : (h ?? "")).split(",").map((b) => b.trim()).filter(Boolean);
      return { tools: tools.map((t) => ({ type: String(t["type"]), name: String(t["name"]) })), betas };
    },
  };
}

function resultText(b: Obj): string {
  const c = b["content"];
  return typeof c === "string" ? c : textOfBlocks(blocksOf(c));
}

export const anthropicFixtures: ConformanceFixture[] = [
  {
    label: "anthropic",
    capabilities: new Set(CAPABILITIES),
    startMock: () => startMockAnthropic({ apiKey: KEY }),
    externalModel: (mockUrl, task) => ({
      name: "claude-sonnet-4-6",
      provider: "anthropic",
      task,
      anthropic_config: { anthropic_api_key_plaintext: KEY, anthropic_api_base: mockUrl },
    }),
    view: viewOf,
  },
];
