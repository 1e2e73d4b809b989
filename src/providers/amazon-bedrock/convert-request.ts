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
import { clientToolBetas, refuseClientTools, splitClientTools, type ClientTool } from "../common/client-tools.js";
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

/** Client tools and their betas, after any `tools` / `anthropic_beta` the caller passed as model fields. */
function addClientTools(model: JsonObject, client: readonly ClientTool[]): void {
  const givenTools = Array.isArray(model["tools"]) ? (model["tools"] as unknown[]) : [];
  model["tools"] = [...givenTools, ...client.map((c) => c.definition)] as JsonObject[];
  const givenBetas = Array.isArray(model["anthropic_beta"]) ? (model["anthropic_beta"] as unknown[]).filter((b): b is string => typeof b === "string") : [];
  const betas = [...givenBetas];
  for (const b of clientToolBetas(client)) if (!betas.includes(b)) betas.push(b);
  if (betas.length) model["anthropic_beta"] = betas;
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
  // Claude's computer-use tools have no Converse toolSpec: they go to the model as Anthropic
  // defines them, in additionalModelRequestFields (`tools` and `anthropic_beta`), as AWS's
  // computer-use guide shows; function tools stay in toolConfig.
  let client: ClientTool[] = [];
  let toolParams = params;
  if (family === "anthropic") {
    const split = splitClientTools(params["tools"], DISPLAY_NAME);
    client = split.client;
    if (client.length) toolParams = { ...params, tools: split.functions ?? null };
  } else refuseClientTools(params["tools"], `${DISPLAY_NAME} (${family} models)`);
  const clientNames = new Set(client.map((c) => c.name));
  const plan = planTools(toolParams, {
    caching,
    thinking: thinking !== undefined,
    // Tool blocks of client tools alone need no toolConfig spec (a spec named "computer" would clash with the tool itself).
    hasToolBlocks: client.length ? conv.historyToolNames.some((n) => !clientNames.has(n)) : conv.hasToolBlocks,
    historyToolNames: conv.historyToolNames.filter((n) => !clientNames.has(n)),
  });

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
  if (client.length) addClientTools(model, client);
  if (Object.keys(model).length) body["additionalModelRequestFields"] = model;
  return { body, jsonTool: plan.jsonTool };
}
