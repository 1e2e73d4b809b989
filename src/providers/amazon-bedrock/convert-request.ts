/**
 * An OpenAI/Databricks chat request → a Converse request body.
 *
 * OpenAI parameters map to `inferenceConfig` (maxTokens, temperature, topP, stopSequences)
 * and `toolConfig`; `top_k` and Claude's `thinking` go to `additionalModelRequestFields`,
 * where each model family reads its own names. Provider fields without an OpenAI name go
 * where Converse wants them: its own top-level fields (`guardrailConfig`, `outputConfig`,
 * `performanceConfig`, `serviceTier`, `requestMetadata`, `promptVariables`,
 * `additionalModelResponseFieldPaths`) stay top level; everything else is a model field and
 * goes into `additionalModelRequestFields`.
 */
import { errors } from "../../gateway/errors.js";
import type { ChatRequest, JsonObject } from "../../gateway/types.js";
import { maxTokensOf, numberParam, prepareParams, requireSingleChoice, stopList, thinkingOf, CORE_CHAT_PARAMS } from "../common/index.js";
import type { BedrockFamily } from "./config.js";
import { convertMessages } from "./convert-messages.js";
import { planTools } from "./convert-tools.js";

export const DISPLAY_NAME = "Amazon Bedrock";

/** The OpenAI parameters this adapter reads; any other known one is refused with a 400. */
export const CHAT_MAPPED: ReadonlySet<string> = new Set([...CORE_CHAT_PARAMS]);

/** Converse's own top-level request fields a caller may set through extra_params. */
const CONVERSE_FIELDS = new Set([
  "guardrailConfig",
  "outputConfig",
  "performanceConfig",
  "serviceTier",
  "requestMetadata",
  "promptVariables",
  "additionalModelResponseFieldPaths",
]);

/** Converse fields the adapter builds from OpenAI parameters; setting them directly would fight the translation. */
const BUILT_FIELDS = new Set(["messages", "system", "inferenceConfig", "toolConfig", "modelId"]);

export interface ConverseCall {
  body: JsonObject;
  /** The answer's `json_response` tool call is its text (see convert-tools.ts). */
  jsonTool: boolean;
}

/** Where each family reads top-k from inside additionalModelRequestFields. */
function topKField(family: BedrockFamily, k: number): JsonObject {
  switch (family) {
    case "amazon":
      return { inferenceConfig: { topK: k } };
    case "cohere":
      return { k };
    default:
      return { top_k: k };
  }
}

function mergeFields(into: JsonObject, add: JsonObject): void {
  for (const [k, v] of Object.entries(add)) {
    const cur = into[k];
    if (cur && typeof cur === "object" && !Array.isArray(cur) && v && typeof v === "object" && !Array.isArray(v)) {
      into[k] = { ...(cur as JsonObject), ...(v as JsonObject) };
    } else into[k] = v;
  }
}

/**
 * @example
 *   toConverse({ messages: [{ role: "user", content: "Hi" }], max_tokens: 50 }, "anthropic").body
 *   // → { messages: [{ role: "user", content: [{ text: "Hi" }] }], inferenceConfig: { maxTokens: 50 } }
 */
export function toConverse(req: ChatRequest, family: BedrockFamily): ConverseCall {
  const { params, extra } = prepareParams(req, DISPLAY_NAME, CHAT_MAPPED);
  requireSingleChoice(params, DISPLAY_NAME);
  const maxTokens = maxTokensOf(params);
  const thinking = thinkingOf(params, maxTokens);
  if (thinking && family !== "anthropic") {
    throw errors.invalidParameter("thinking", `'thinking' is only supported on Amazon Bedrock when bedrock_provider is anthropic (this endpoint's is ${family}).`);
  }
  const caching = family === "anthropic";
  const conv = convertMessages(params["messages"], { caching, toolResultStatus: family === "anthropic" || family === "amazon" });
  const plan = planTools(params, { caching, thinking: thinking !== undefined, hasToolBlocks: conv.hasToolBlocks, historyToolNames: conv.historyToolNames });

  const body: JsonObject = { messages: conv.messages };
  if (conv.system.length) body["system"] = conv.system;
  const inference: JsonObject = {};
  if (maxTokens !== undefined) inference["maxTokens"] = maxTokens;
  const temperature = numberParam(params, "temperature");
  if (temperature !== undefined) inference["temperature"] = temperature;
  const topP = numberParam(params, "top_p");
  if (topP !== undefined) inference["topP"] = topP;
  const stop = stopList(params);
  if (stop?.length) inference["stopSequences"] = stop;
  if (Object.keys(inference).length) body["inferenceConfig"] = inference;
  if (plan.toolConfig) body["toolConfig"] = plan.toolConfig;
  if (plan.outputConfig) body["outputConfig"] = plan.outputConfig;

  const model: JsonObject = {};
  const given = extra["additionalModelRequestFields"];
  if (given !== undefined && given !== null) {
    if (typeof given !== "object" || Array.isArray(given)) {
      throw errors.invalidParameter("additionalModelRequestFields", "'additionalModelRequestFields' must be an object.");
    }
    mergeFields(model, given as JsonObject);
  }
  for (const [k, v] of Object.entries(extra)) {
    if (k === "additionalModelRequestFields") continue;
    if (BUILT_FIELDS.has(k)) throw errors.invalidParameter(k, `'${k}' is built by the gateway from the OpenAI parameters; set those instead.`);
    if (CONVERSE_FIELDS.has(k)) body[k] = v;
    else mergeFields(model, { [k]: v });
  }
  const topK = numberParam(params, "top_k");
  if (topK !== undefined) mergeFields(model, topKField(family, topK));
  if (thinking) model["thinking"] = { type: "enabled", budget_tokens: thinking.budgetTokens };
  if (Object.keys(model).length) body["additionalModelRequestFields"] = model;
  return { body, jsonTool: plan.jsonTool };
}
