/**
 * The Cohere fixture of the conformance suite: the mock, the endpoint config pointing at
 * it, and a reader of the `/v2/chat` bodies the mock records.
 *
 * Capabilities: everything but `caching` — Cohere takes no cache hints (marks are
 * accepted and dropped, so `cacheMarks()` reads 0), though it does report cached prompt
 * tokens (`cached-usage`). Two limits of the wire format the suite should know:
 * - reasoning: Cohere's thinking has no signature, so answers carry reasoning without
 *   one, and `reasoning()` reads history thinking with `signature: ""`; a redacted
 *   `MockReasoning` cannot be expressed and is left out by the mock;
 * - `content_filter`: Cohere v2 has no such finish; the mock sends v1's `ERROR_TOXIC`,
 *   which the adapter maps back to `content_filter`.
 */
import type { Capability, ConformanceFixture, UpstreamView } from "../conformance.js";
import type { RecordedRequest } from "../mock-server.js";
import { openaiView } from "../openai/conformance.js";
import { startMockCohere } from "./server.js";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export const COHERE_CONFORMANCE_KEY = "co-conformance-key-1234";

/** The text of a Cohere message content: a string, or its text (and tool document) parts. */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  return list(content)
    .map(obj)
    .map((p) => {
      if (p["type"] === "text") return String(p["text"] ?? "");
      if (p["type"] === "document") return JSON.stringify(obj(obj(p["document"])["data"]));
      return "";
    })
    .join("");
}

/**
 * Reads a recorded `/v2/chat` body in neutral terms. Cohere's v2 messages are OpenAI's
 * shape, so the OpenAI reader serves; only the texts (tool results may be documents),
 * the schema's place and the thinking parts differ.
 */
export function cohereView(req: RecordedRequest): UpstreamView {
  const body = obj(req.json);
  const messages = list(body["messages"]).map(obj);
  return {
    ...openaiView(req),
    system: () => {
      const system = messages.filter((m) => m["role"] === "system");
      return system.length ? system.map((m) => textOf(m["content"])).join("\n") : undefined;
    },
    turns: () => messages.filter((m) => m["role"] !== "system").map((m) => ({ role: String(m["role"]), text: textOf(m["content"]) })),
    toolResults: () => messages.filter((m) => m["role"] === "tool").map((m) => ({ id: String(m["tool_call_id"]), text: textOf(m["content"]) })),
    jsonSchema: () => obj(body["response_format"])["json_schema"],
    reasoning: () =>
      messages.flatMap((m) =>
        list(m["content"])
          .map(obj)
          .filter((p) => p["type"] === "thinking")
          .map((p) => ({ text: String(p["thinking"] ?? ""), signature: "" })),
      ),
  };
}

export const cohereFixtures: ConformanceFixture[] = [
  {
    label: "cohere",
    capabilities: new Set<Capability>(["tools", "parallel-tools", "json-schema", "vision", "reasoning", "embeddings", "completions", "cached-usage"]),
    startMock: () => startMockCohere({ apiKey: COHERE_CONFORMANCE_KEY }),
    externalModel: (url, task) => ({
      provider: "cohere",
      name: task === "llm/v1/embeddings" ? "embed-v4.0" : "command-a-03-2025",
      task,
      cohere_config: { cohere_api_key_plaintext: COHERE_CONFORMANCE_KEY, cohere_api_base: url },
    }),
    view: cohereView,
    isModelCall: (req) => req.path === "/v2/chat" || req.path === "/v2/embed",
  },
];
