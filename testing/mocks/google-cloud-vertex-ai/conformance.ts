/**
 * Vertex AI (Gemini) in the conformance suite: the mock, an endpoint pointed at it (the
 * service-account key's token_uri is the mock's `/token`), and a reader of the Gemini
 * requests the mock recorded.
 *
 * Gemini's v1 wire format has no tool-call ids: function calls and their responses are
 * matched by function name. So `historyToolCalls()` and `toolResults()` report the
 * function name in `id`.
 */
import type { Capability, ConformanceFixture, UpstreamView } from "../conformance.js";
import type { RecordedRequest } from "../mock-server.js";
import { MOCK_PROJECT, MOCK_REGION, serviceAccountKeyFor } from "./keys.js";
import { isTokenRequest, startMockVertex } from "./server.js";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => !!v && typeof v === "object" && !Array.isArray(v);
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as unknown[]).filter(isObject) : []);

export const VERTEX_CHAT_MODEL = "gemini-2.5-flash";
export const VERTEX_EMBED_MODEL = "text-embedding-005";

function partsOf(content: unknown): Json[] {
  return isObject(content) ? list(content["parts"]) : [];
}

function responseText(response: unknown): string {
  if (isObject(response) && Object.keys(response).length === 1 && typeof response["content"] === "string") return response["content"];
  return JSON.stringify(response);
}

function viewOf(req: RecordedRequest): UpstreamView {
  const body = isObject(req.json) ? req.json : {};
  const contents = list(body["contents"]);
  const gc = isObject(body["generationConfig"]) ? body["generationConfig"] : {};
  const modelParts = () => contents.filter((c) => c["role"] === "model").flatMap((c) => partsOf(c));
  const num = (v: unknown) => (typeof v === "number" ? v : undefined);
  return {
    system() {
      const parts = partsOf(body["systemInstruction"]).filter((p) => typeof p["text"] === "string");
      return parts.length ? parts.map((p) => p["text"] as string).join("\n") : undefined;
    },
    turns() {
      const out: Array<{ role: string; text: string }> = [];
      for (const c of contents) {
        const parts = partsOf(c);
        if (c["role"] === "model") {
          const text = parts.filter((p) => typeof p["text"] === "string" && p["thought"] !== true).map((p) => p["text"] as string).join("");
          out.push({ role: "assistant", text });
          continue;
        }
        let text = "";
        let hasText = false;
        for (const p of parts) {
          if (isObject(p["functionResponse"])) out.push({ role: "tool", text: responseText(p["functionResponse"]["response"]) });
          else if (typeof p["text"] === "string") {
            text += p["text"];
            hasText = true;
          } else if (isObject(p["inlineData"])) hasText = true;
        }
        if (hasText) out.push({ role: "user", text });
      }
      return out;
    },
    toolNames() {
      return list(body["tools"]).flatMap((t) => list(t["functionDeclarations"]).map((d) => String(d["name"])));
    },
    historyToolCalls() {
      return modelParts()
        .filter((p) => isObject(p["functionCall"]))
        .map((p) => {
          const fc = p["functionCall"] as Json;
          return { id: String(fc["name"]), name: String(fc["name"]), arguments: fc["args"] ?? {} };
        });
    },
    toolResults() {
      return contents
        .filter((c) => c["role"] === "user")
        .flatMap((c) => partsOf(c))
        .filter((p) => isObject(p["functionResponse"]))
        .map((p) => {
          const fr = p["functionResponse"] as Json;
          return { id: String(fr["name"]), text: responseText(fr["response"]) };
        });
    },
    images() {
      return contents
        .flatMap((c) => partsOf(c))
        .filter((p) => isObject(p["inlineData"]))
        .map((p) => {
          const d = p["inlineData"] as Json;
          return { mediaType: String(d["mimeType"]), data: String(d["data"]) };
        });
    },
    jsonSchema() {
      return gc["responseJsonSchema"];
    },
    reasoning() {
      return modelParts()
        .filter((p) => p["thought"] === true && typeof p["text"] === "string")
        .map((p) => ({ text: p["text"] as string, signature: typeof p["thoughtSignature"] === "string" ? p["thoughtSignature"] : "" }));
    },
    cacheMarks() {
      // Gemini has no per-block cache marks: the adapter accepts them and sends none.
      return 0;
    },
    maxTokens() {
      return num(gc["maxOutputTokens"]);
    },
    temperature() {
      return num(gc["temperature"]);
    },
    streamed() {
      return req.path.endsWith(":streamGenerateContent");
    },
  };
}

const CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>([
  "tools",
  "parallel-tools",
  "json-schema",
  "vision",
  "reasoning",
  "signed-reasoning",
  "embeddings",
  "completions",
  "cached-usage",
]);

export const vertexFixtures: ConformanceFixture[] = [
  {
    label: "google-cloud-vertex-ai",
    capabilities: CAPABILITIES,
    startMock: () => startMockVertex(),
    externalModel(mockUrl, task) {
      return {
        provider: "google-cloud-vertex-ai",
        name: task === "llm/v1/embeddings" ? VERTEX_EMBED_MODEL : VERTEX_CHAT_MODEL,
        task,
        google_cloud_vertex_ai_config: {
          project_id: MOCK_PROJECT,
          region: MOCK_REGION,
          vertex_api_base: mockUrl,
          private_key_plaintext: JSON.stringify(serviceAccountKeyFor(mockUrl)),
        },
      };
    },
    view: viewOf,
    isModelCall: (req) => !isTokenRequest(req),
  },
];
