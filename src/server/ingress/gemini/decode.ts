/**
 * A Gemini `generateContent` request → the canonical chat request; the mirror of
 * providers/google-cloud-vertex-ai/convert-request.ts and convert-messages.ts:
 *
 * - `systemInstruction` → a system message; `user` turns → user messages (text, images
 *   from `inlineData`), their `functionResponse` parts → `tool` messages first;
 * - `model` turns → assistant messages: `thought` parts → reasoning blocks (the
 *   `thoughtSignature` kept), `functionCall` parts → tool calls whose id carries the
 *   signature (as the Vertex adapter reads it back: tool-call-id.ts). Gemini's calls
 *   need no id; a response is matched to the earliest unanswered call of its name.
 * - `functionDeclarations` → function tools (OpenAPI-style upper-case types lowered),
 *   `toolConfig` AUTO/ANY/NONE → auto/required (or the one allowed function)/none,
 *   `generationConfig` → sampling, `max_tokens`, `stop`, `n`, `response_format`,
 *   `thinking`.
 *
 * What has no canonical equivalent (other tools, file data, safety settings, cached
 * content…) is noted in an `Untranslatable` and refused by name.
 */
import { errors } from "../../../gateway/errors.js";
import type { ChatMessage, ChatRequest, ContentPart, JsonObject, ToolCall } from "../../../gateway/types.js";
import { encodeToolCallId } from "../../../providers/google-cloud-vertex-ai/index.js";
import type { Untranslatable } from "../parse.js";
import type { GeminiContent, GeminiPart, GenerateRequest } from "./api.js";

const KNOWN_PART_KEYS = new Set(["text", "thought", "thoughtSignature", "inlineData", "functionCall", "functionResponse"]);
const UNSUPPORTED_FIELDS: Readonly<Record<string, string>> = { safetySettings: "safety settings", cachedContent: "cached content", labels: "labels" };

/** OpenAPI-style schema (`type: "OBJECT"`) → JSON schema (`type: "object"`), recursively. */
export function jsonSchemaOf(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(jsonSchemaOf);
  if (!v || typeof v !== "object") return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v as JsonObject)) out[k] = k === "type" && typeof x === "string" ? x.toLowerCase() : jsonSchemaOf(x);
  return out;
}

/** Pairs function calls with their responses by name, in order, when Gemini gives no ids. */
class CallIds {
  private n = 0;
  private readonly pending = new Map<string, string[]>();

  call(name: string, id: string | undefined, signature: string | undefined): string {
    const full = encodeToolCallId(id ?? `call_${this.n++}_${name}`, signature);
    const q = this.pending.get(name) ?? [];
    q.push(full);
    this.pending.set(name, q);
    return full;
  }

  response(name: string, id: string | undefined): string {
    const q = this.pending.get(name) ?? [];
    const at = id ? q.findIndex((x) => x === id || x.startsWith(`${id}__thought__`)) : 0;
    const found = at >= 0 ? q.splice(at, 1)[0] : undefined;
    return found ?? id ?? `call_unmatched_${name}`;
  }
}

function unknownKeys(p: GeminiPart, field: string, u: Untranslatable): void {
  for (const k of Object.keys(p)) if (!KNOWN_PART_KEYS.has(k)) u.note(`${field}.${k}`, `a '${k}' part`);
}

function userTurn(c: GeminiContent, i: number, ids: CallIds, u: Untranslatable): ChatMessage[] {
  const tools: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  c.parts.forEach((p, j) => {
    const f = `contents[${i}].parts[${j}]`;
    unknownKeys(p, f, u);
    if (p.functionResponse) {
      const r = p.functionResponse;
      tools.push({ role: "tool", tool_call_id: ids.response(r.name, r.id), content: JSON.stringify(r.response ?? {}) });
    } else if (p.inlineData) {
      if (!p.inlineData.mimeType.startsWith("image/")) u.note(`${f}.inlineData.mimeType`, `inline data of type '${p.inlineData.mimeType}'`);
      else parts.push({ type: "image_url", image_url: { url: `data:${p.inlineData.mimeType};base64,${p.inlineData.data}` } });
    } else if (typeof p.text === "string") parts.push({ type: "text", text: p.text });
  });
  return parts.length || tools.length === 0 ? [...tools, { role: "user", content: parts }] : tools;
}

function modelTurn(c: GeminiContent, i: number, ids: CallIds, u: Untranslatable): ChatMessage {
  const parts: ContentPart[] = [];
  const calls: ToolCall[] = [];
  c.parts.forEach((p, j) => {
    const f = `contents[${i}].parts[${j}]`;
    unknownKeys(p, f, u);
    const sig = p.thoughtSignature;
    if (p.functionCall) {
      const fc = p.functionCall;
      calls.push({ id: ids.call(fc.name, fc.id, sig), type: "function", function: { name: fc.name, arguments: JSON.stringify(fc.args ?? {}) } });
    } else if (p.thought === true) {
      parts.push({ type: "reasoning", summary: [sig ? { type: "summary_text", text: p.text ?? "", signature: sig } : { type: "summary_text", text: p.text ?? "" }] });
    } else if (typeof p.text === "string") {
      // A signature on an ordinary part: a reasoning step with no text, where the Vertex adapter looks for it.
      if (sig) parts.push({ type: "reasoning", summary: [{ type: "summary_text", text: "", signature: sig }] });
      parts.push({ type: "text", text: p.text });
    } else if (p.inlineData) u.note(`${f}.inlineData`, "inline data in a model turn");
  });
  const msg: ChatMessage = { role: "assistant", content: parts.length ? parts : null };
  if (calls.length) msg.tool_calls = calls;
  return msg;
}

function systemText(s: GenerateRequest["systemInstruction"]): string | undefined {
  if (s === undefined) return undefined;
  if (typeof s === "string") return s || undefined;
  const text = s.parts.map((p) => p.text ?? "").join("\n");
  return text || undefined;
}

/** The canonical messages of Gemini contents (system first). */
export function canonicalMessages(req: Pick<GenerateRequest, "contents" | "systemInstruction">, u: Untranslatable): ChatMessage[] {
  const out: ChatMessage[] = [];
  const system = systemText(req.systemInstruction);
  if (system) out.push({ role: "system", content: system });
  const ids = new CallIds();
  req.contents.forEach((c, i) => {
    if (c.role === "model") out.push(modelTurn(c, i, ids, u));
    else if (c.role === undefined || c.role === "user" || c.role === "function" || c.role === "tool") out.push(...userTurn(c, i, ids, u));
    else throw errors.invalidParameter(`contents[${i}].role`, `'contents[${i}].role' must be "user" or "model".`);
  });
  return out;
}

function toolFields(req: GenerateRequest, out: JsonObject, u: Untranslatable): void {
  const fns: JsonObject[] = [];
  (req.tools ?? []).forEach((t, i) => {
    for (const k of Object.keys(t)) if (k !== "functionDeclarations") u.note(`tools[${i}].${k}`, `the built-in tool '${k}'`);
    for (const d of t.functionDeclarations ?? []) {
      const fn: JsonObject = { name: d.name, parameters: d.parametersJsonSchema ?? jsonSchemaOf(d.parameters ?? { type: "object", properties: {} }) };
      if (d.description) fn["description"] = d.description;
      fns.push({ type: "function", function: fn });
    }
  });
  if (fns.length) out["tools"] = fns;
  const cfg = req.toolConfig?.functionCallingConfig;
  if (!cfg?.mode || !fns.length) return;
  const allowed = cfg.allowedFunctionNames ?? [];
  switch (cfg.mode) {
    case "AUTO":
      out["tool_choice"] = "auto";
      break;
    case "NONE":
      out["tool_choice"] = "none";
      break;
    case "ANY":
      out["tool_choice"] = allowed.length === 1 ? { type: "function", function: { name: allowed[0] } } : "required";
      if (allowed.length > 1) u.note("toolConfig.functionCallingConfig.allowedFunctionNames", "more than one allowed function");
      break;
    default:
      u.note("toolConfig.functionCallingConfig.mode", `function calling mode '${cfg.mode}'`);
  }
}

function generationFields(g: NonNullable<GenerateRequest["generationConfig"]>, out: ChatRequest, u: Untranslatable): void {
  if (g.temperature !== undefined) out.temperature = g.temperature;
  if (g.topP !== undefined) out.top_p = g.topP;
  if (g.topK !== undefined) out["top_k"] = g.topK;
  if (g.maxOutputTokens !== undefined) out.max_tokens = g.maxOutputTokens;
  if (g.stopSequences?.length) out.stop = g.stopSequences;
  if (g.candidateCount !== undefined && g.candidateCount !== 1) out.n = g.candidateCount;
  if (g.seed !== undefined) out["seed"] = g.seed;
  if (g.presencePenalty !== undefined) out["presence_penalty"] = g.presencePenalty;
  if (g.frequencyPenalty !== undefined) out["frequency_penalty"] = g.frequencyPenalty;
  const mime = g.responseMimeType;
  if (mime === "application/json") {
    const schema = g.responseJsonSchema ?? (g.responseSchema ? jsonSchemaOf(g.responseSchema) : undefined);
    out["response_format"] = schema ? { type: "json_schema", json_schema: { name: "response", schema } } : { type: "json_object" };
  } else if (mime && mime !== "text/plain") u.note("generationConfig.responseMimeType", `response type '${mime}'`);
  const budget = g.thinkingConfig?.thinkingBudget;
  // 0 turns thinking off and -1 lets the model decide: neither asks for a budget.
  if (budget !== undefined && budget > 0) {
    if (g.maxOutputTokens === undefined) throw errors.invalidParameter("generationConfig.maxOutputTokens", "'generationConfig.maxOutputTokens' is required with a thinking budget, and must be greater than it.");
    out["thinking"] = { type: "enabled", budget_tokens: budget };
  }
}

/**
 * The canonical chat request for a Gemini body addressed to `endpoint`.
 *
 * @example
 *   toCanonical({ contents: [{ role: "user", parts: [{ text: "Hi" }] }] }, "my-endpoint", false, "gemini", new Untranslatable())
 *   // { model: "my-endpoint", messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }], usage_context: { ingress: "gemini" } }
 */
export function toCanonical(req: GenerateRequest, endpoint: string, stream: boolean, ingress: string, u: Untranslatable): ChatRequest {
  for (const [k, what] of Object.entries(UNSUPPORTED_FIELDS)) if (req[k] !== undefined) u.note(k, what);
  const out: ChatRequest = { model: endpoint, messages: canonicalMessages(req, u) };
  toolFields(req, out, u);
  if (req.generationConfig) generationFields(req.generationConfig, out, u);
  if (stream) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  out.usage_context = { ingress };
  return out;
}
