/**
 * An OpenAI chat request → a Vertex AI `generateContent` body.
 *
 * Parameters map to `generationConfig` (max_tokens → maxOutputTokens, temperature, top_p →
 * topP, top_k → topK, stop → stopSequences, n → candidateCount, seed, presence_penalty,
 * frequency_penalty; response_format → responseMimeType + responseJsonSchema; thinking →
 * thinkingConfig), tools to `functionDeclarations` with their JSON schema as
 * `parametersJsonSchema` (taken whole: Gemini's older `parameters` field accepts only an
 * OpenAPI subset and rejects `additionalProperties`, `$schema`, …), tool_choice to
 * `toolConfig.functionCallingConfig`. What Gemini cannot honour is refused by name:
 * `reasoning_effort`, `parallel_tool_calls: false`, `logprobs`, `user`, … Fields without
 * an OpenAI name (`safetySettings`, `labels`, `cachedContent`, …) go top-level into the
 * body; a `generationConfig` or `toolConfig` given that way is merged with the mapped one.
 */
import { errors } from "../../gateway/errors.js";
import type { ChatRequest, JsonObject } from "../../gateway/types.js";
import { refuseClientTools } from "../common/client-tools.js";
import { functionToolsOf, responseFormatOf, toolChoiceOf } from "../common/content.js";
import { CORE_CHAT_PARAMS, maxTokensOf, numberParam, prepareParams, stopList } from "../common/params.js";
import { thinkingOf } from "../common/thinking.js";
import { convertMessages } from "./convert-messages.js";
import { PROVIDER_NAME } from "./errors.js";

/** The chat parameters this adapter reads; every other known OpenAI parameter is refused. */
export const VERTEX_CHAT_MAPPED: ReadonlySet<string> = new Set([...CORE_CHAT_PARAMS, "seed", "presence_penalty", "frequency_penalty"]);

export interface VertexChatRequest {
  body: JsonObject;
  /** How many candidates the answer has (a stream is complete when each has finished). */
  candidates: number;
}

const isObject = (v: unknown): v is JsonObject => !!v && typeof v === "object" && !Array.isArray(v);

function integerParam(params: JsonObject, name: string, min: number): number | undefined {
  const v = numberParam(params, name);
  if (v !== undefined && (!Number.isInteger(v) || v < min)) {
    throw errors.invalidParameter(name, `'${name}' must be an integer${min > 0 ? ` of at least ${min}` : ""}.`);
  }
  return v;
}

function generationConfig(params: JsonObject, extra: JsonObject): JsonObject {
  const gc: JsonObject = isObject(extra["generationConfig"]) ? { ...extra["generationConfig"] } : {};
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) gc[key] = value;
  };
  const maxTokens = maxTokensOf(params);
  set("maxOutputTokens", maxTokens);
  set("temperature", numberParam(params, "temperature"));
  set("topP", numberParam(params, "top_p"));
  set("topK", integerParam(params, "top_k", 1));
  set("stopSequences", stopList(params));
  set("candidateCount", integerParam(params, "n", 1));
  set("seed", integerParam(params, "seed", Number.MIN_SAFE_INTEGER));
  set("presencePenalty", numberParam(params, "presence_penalty"));
  set("frequencyPenalty", numberParam(params, "frequency_penalty"));
  const format = responseFormatOf(params["response_format"]);
  if (format?.type === "json_object") gc["responseMimeType"] = "application/json";
  if (format?.type === "json_schema") {
    gc["responseMimeType"] = "application/json";
    gc["responseJsonSchema"] = format.schema;
  }
  const thinking = thinkingOf(params, maxTokens);
  if (thinking) {
    const prev = isObject(gc["thinkingConfig"]) ? gc["thinkingConfig"] : {};
    gc["thinkingConfig"] = { ...prev, thinkingBudget: thinking.budgetTokens, includeThoughts: true };
  }
  return gc;
}

function toolConfig(params: JsonObject, extra: JsonObject, hasTools: boolean): JsonObject | undefined {
  const tc: JsonObject = isObject(extra["toolConfig"]) ? { ...extra["toolConfig"] } : {};
  const choice = toolChoiceOf(params["tool_choice"]);
  if (choice && choice.type !== "none" && choice.type !== "auto" && !hasTools) {
    throw errors.invalidParameter("tool_choice", "'tool_choice' needs 'tools'.");
  }
  if (choice && hasTools) {
    const fcc: JsonObject = isObject(tc["functionCallingConfig"]) ? { ...tc["functionCallingConfig"] } : {};
    if (choice.type === "auto") fcc["mode"] = "AUTO";
    else if (choice.type === "none") fcc["mode"] = "NONE";
    else if (choice.type === "required") fcc["mode"] = "ANY";
    else {
      fcc["mode"] = "ANY";
      fcc["allowedFunctionNames"] = [choice.name];
    }
    tc["functionCallingConfig"] = fcc;
  }
  return Object.keys(tc).length ? tc : undefined;
}

/** Builds the `generateContent` body (the same body serves `streamGenerateContent`). */
export function convertChatRequest(req: ChatRequest): VertexChatRequest {
  const { params, extra } = prepareParams(req, PROVIDER_NAME, VERTEX_CHAT_MAPPED);
  const ptc = params["parallel_tool_calls"];
  if (ptc !== undefined && ptc !== null && ptc !== true) {
    throw errors.invalidParameter("parallel_tool_calls", "'parallel_tool_calls' must be true or absent: Vertex AI cannot limit a turn to one tool call.");
  }
  const { systemInstruction, contents } = convertMessages(params["messages"]);
  refuseClientTools(params["tools"], PROVIDER_NAME);
  const tools = functionToolsOf(params["tools"]);
  const body: JsonObject = { ...extra, contents };
  if (systemInstruction) body["systemInstruction"] = systemInstruction;
  if (tools && tools.length) {
    body["tools"] = [
      {
        functionDeclarations: tools.map((t) => {
          const decl: JsonObject = { name: t.name, parametersJsonSchema: t.parameters };
          if (t.description) decl["description"] = t.description;
          return decl;
        }),
      },
    ];
  }
  const tc = toolConfig(params, extra, !!tools?.length);
  if (tc) body["toolConfig"] = tc;
  else delete body["toolConfig"];
  const gc = generationConfig(params, extra);
  if (Object.keys(gc).length) body["generationConfig"] = gc;
  const count = gc["candidateCount"];
  return { body, candidates: typeof count === "number" && Number.isInteger(count) && count > 0 ? count : 1 };
}
