/**
 * An OpenAI chat request → the body of `POST /v1/messages`.
 *
 * Every OpenAI parameter Anthropic can honour is mapped; the others are refused with a
 * 400 naming them (see `prepareParams`); fields without an OpenAI name (`metadata`,
 * `service_tier`, `container`, …) go into the body unchanged. Anthropic requires
 * `max_tokens`, so a request without one gets `DEFAULT_MAX_TOKENS`.
 */
import { errors } from "../../gateway/errors.js";
import type { ChatRequest, JsonObject } from "../../gateway/types.js";
import { clientToolBetas, splitClientTools, type ClientTool } from "../common/client-tools.js";
import { functionToolsOf, responseFormatOf, toolChoiceOf, type FunctionTool } from "../common/content.js";
import { CORE_CHAT_PARAMS, maxTokensOf, numberParam, prepareParams, requireSingleChoice, stopList } from "../common/params.js";
import { thinkingOf, type Thinking } from "../common/thinking.js";
import { convertMessages } from "./convert-messages.js";

/** Sent as `max_tokens` when the client gave none: Anthropic has no default of its own. */
export const DEFAULT_MAX_TOKENS = 4096;

/** The OpenAI parameters this adapter reads; any other known OpenAI parameter is refused. */
export const ANTHROPIC_MAPPED: ReadonlySet<string> = new Set([...CORE_CHAT_PARAMS, "user"]);

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function toolOf(t: FunctionTool): JsonObject {
  const tool: JsonObject = { name: t.name };
  if (t.description !== undefined) tool["description"] = t.description;
  tool["input_schema"] = t.parameters;
  if (t.strict !== undefined) tool["strict"] = t.strict;
  if (t.cacheControl) tool["cache_control"] = t.cacheControl;
  return tool;
}

/** `tool_choice` + `parallel_tool_calls` → Anthropic's one `tool_choice` object, or undefined to send none. */
function toolChoice(params: JsonObject, tools: readonly { name: string }[] | undefined, thinking: Thinking | undefined): JsonObject | undefined {
  const choice = toolChoiceOf(params["tool_choice"]);
  const parallel = params["parallel_tool_calls"];
  if (parallel !== undefined && parallel !== null && typeof parallel !== "boolean") {
    throw errors.invalidParameter("parallel_tool_calls", "'parallel_tool_calls' must be a boolean.");
  }
  if (!tools || tools.length === 0) {
    if (choice?.type === "required" || choice?.type === "function") {
      throw errors.invalidParameter("tool_choice", "'tool_choice' needs 'tools': there is no tool to call.");
    }
    return undefined;
  }
  if (thinking && (choice?.type === "required" || choice?.type === "function")) {
    throw errors.invalidParameter("tool_choice", "Anthropic does not allow a forced tool call while thinking is enabled; use \"auto\" or \"none\".");
  }
  if (choice?.type === "function" && !tools.some((t) => t.name === choice.name)) {
    throw errors.invalidParameter("tool_choice", `'tool_choice' names '${choice.name}', which is not one of 'tools'.`);
  }
  let out: JsonObject | undefined;
  switch (choice?.type) {
    case "none":
      return { type: "none" };
    case "required":
      out = { type: "any" };
      break;
    case "function":
      out = { type: "tool", name: choice.name };
      break;
    case "auto":
      out = { type: "auto" };
      break;
    case undefined:
      out = undefined;
  }
  if (parallel === false) out = { ...(out ?? { type: "auto" }), disable_parallel_tool_use: true };
  return out;
}

/** The sampling parameters, checked against what Anthropic accepts (and refuses while thinking). */
function sampling(params: JsonObject, thinking: Thinking | undefined): JsonObject {
  const out: JsonObject = {};
  const temperature = numberParam(params, "temperature");
  const topP = numberParam(params, "top_p");
  const topK = numberParam(params, "top_k");
  if (temperature !== undefined) {
    if (temperature < 0 || temperature > 1) throw errors.invalidParameter("temperature", "'temperature' must be between 0 and 1 for Anthropic.");
    if (thinking && temperature !== 1) throw errors.invalidParameter("temperature", "Anthropic does not accept 'temperature' other than 1 while thinking is enabled.");
    out["temperature"] = temperature;
  }
  if (topP !== undefined) {
    if (topP < 0 || topP > 1) throw errors.invalidParameter("top_p", "'top_p' must be between 0 and 1.");
    if (thinking && topP < 0.95) throw errors.invalidParameter("top_p", "Anthropic accepts 'top_p' only between 0.95 and 1 while thinking is enabled.");
    out["top_p"] = topP;
  }
  if (topK !== undefined) {
    if (!Number.isInteger(topK) || topK < 0) throw errors.invalidParameter("top_k", "'top_k' must be a non-negative integer.");
    if (thinking) throw errors.invalidParameter("top_k", "Anthropic does not accept 'top_k' while thinking is enabled.");
    out["top_k"] = topK;
  }
  return out;
}

/** `user` → `metadata.user_id`, merged with a `metadata` object the client passed through. */
function metadataOf(params: JsonObject, extra: JsonObject): JsonObject | undefined {
  const user = params["user"];
  const metadata = extra["metadata"];
  if (metadata !== undefined && metadata !== null && !isObject(metadata)) throw errors.invalidParameter("metadata", "'metadata' must be an object.");
  if (user === undefined || user === null) return metadata ?? undefined;
  if (typeof user !== "string") throw errors.invalidParameter("user", "'user' must be a string.");
  return { ...(metadata ?? {}), user_id: user };
}

/** `response_format` → `output_config.format`, merged with an `output_config` the client passed through. */
function outputConfigOf(params: JsonObject, extra: JsonObject): JsonObject | undefined {
  const given = extra["output_config"];
  const rf = responseFormatOf(params["response_format"]);
  if (!rf || rf.type === "text") return isObject(given) ? given : undefined;
  if (rf.type === "json_object") {
    // Anthropic's structured output needs a schema, and one that admits any object is
    // refused (objects must close `additionalProperties`): there is no honest mapping.
    throw errors.invalidParameter(
      "response_format",
      "Anthropic has no schema-less JSON mode: use response_format {\"type\":\"json_schema\",\"json_schema\":{\"schema\":…}}.",
    );
  }
  return { ...(isObject(given) ? given : {}), format: { type: "json_schema", schema: rf.schema } };
}

/** A Messages API call: the body, and the `anthropic-beta` values it needs (for client tools still in beta). */
export interface AnthropicCall {
  body: JsonObject;
  betas: string[];
}

/**
 * The Messages API body for a chat request.
 *
 * @example
 *   toAnthropicRequest({ messages: [{ role: "user", content: "Hi" }] }, "claude-sonnet-4-5", false)
 *   // { model: "claude-sonnet-4-5", max_tokens: 4096, messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] }
 */
export function toAnthropicRequest(req: ChatRequest, model: string, stream: boolean): JsonObject {
  return toAnthropicCall(req, model, stream).body;
}

/**
 * The body and its beta header values. Computer-use tools (see common/client-tools.ts) go
 * into `tools` beside the function tools, as Anthropic defines them.
 *
 * @example
 *   toAnthropicCall({ messages, tools: [{ type: "computer_20250124", name: "computer", display_width_px: 1024, display_height_px: 768 }] }, "claude-sonnet-4-5", false).betas
 *   // ["computer-use-2025-01-24"]
 */
export function toAnthropicCall(req: ChatRequest, model: string, stream: boolean): AnthropicCall {
  const { params, extra } = prepareParams(req, "Anthropic", ANTHROPIC_MAPPED);
  requireSingleChoice(params, "Anthropic");
  const maxTokens = maxTokensOf(params) ?? DEFAULT_MAX_TOKENS;
  const thinking = thinkingOf(params, maxTokens);
  const prompt = convertMessages(params["messages"]);
  const split = splitClientTools(params["tools"], "Anthropic");
  const tools = functionToolsOf(split.functions);
  const client: ClientTool[] = split.client;
  const all = [...(tools ?? []), ...client];
  const choice = toolChoice(params, all, thinking);
  const stop = stopList(params);
  const metadata = metadataOf(params, extra);
  const outputConfig = outputConfigOf(params, extra);

  // Provider fields first: what the adapter maps wins over a same-named passed-through field.
  const body: JsonObject = { ...extra, model, max_tokens: maxTokens };
  if (prompt.system) body["system"] = prompt.system;
  body["messages"] = prompt.messages;
  Object.assign(body, sampling(params, thinking));
  if (stop && stop.length) body["stop_sequences"] = stop;
  if (all.length) body["tools"] = [...(tools ?? []).map(toolOf), ...client.map((c) => c.definition)];
  if (choice) body["tool_choice"] = choice;
  if (thinking) body["thinking"] = { type: "enabled", budget_tokens: thinking.budgetTokens };
  if (outputConfig) body["output_config"] = outputConfig;
  if (metadata) body["metadata"] = metadata;
  if (stream) body["stream"] = true;
  return { body, betas: clientToolBetas(client) };
}
