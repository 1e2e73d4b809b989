/**
 * An OpenAI/Databricks chat request → the body of Cohere's `POST /v2/chat`.
 *
 * Renamed: `top_p` → `p`, `top_k` → `k`, `stop` → `stop_sequences`,
 * `max_tokens`/`max_completion_tokens` → `max_tokens`, `thinking.budget_tokens` →
 * `thinking.token_budget`. Same name: `temperature`, `seed`, `frequency_penalty`,
 * `presence_penalty`. Translated: `tools`, `tool_choice`, `response_format`.
 * Refused with a 400 naming them: `n` > 1, `parallel_tool_calls: false`, `logprobs: true`,
 * and every other OpenAI parameter Cohere has no way to honour (`logit_bias`, `user`, …).
 * Cohere's own fields (`documents`, `citation_options`, `safety_mode`, `strict_tools`,
 * `priority`, …) pass through at the top level.
 */
import { refuseClientTools } from "../common/client-tools.js";
import { errors } from "../../gateway/errors.js";
import type { ChatRequest, JsonObject } from "../../gateway/types.js";
import {
  functionToolsOf,
  maxTokensOf,
  numberParam,
  prepareParams,
  requireSingleChoice,
  responseFormatOf,
  stopList,
  thinkingOf,
  toolChoiceOf,
  type FunctionTool, CORE_CHAT_PARAMS } from "../common/index.js";
import { toCohereMessages } from "./convert-messages.js";

/** The OpenAI parameters this adapter reads; any other known one is refused by `prepareParams`. */
export const COHERE_CHAT_MAPPED: ReadonlySet<string> = new Set([...CORE_CHAT_PARAMS, "seed", "frequency_penalty", "presence_penalty", "logprobs"]);

/** Builds the Cohere chat body. Throws a 400 `GatewayError` for anything it cannot translate. */
export function toCohereChatBody(req: ChatRequest, model: string, stream: boolean): JsonObject {
  const { params, extra } = prepareParams(req, "Cohere", COHERE_CHAT_MAPPED);
  requireSingleChoice(params, "Cohere");
  if (params["logprobs"] === true) {
    throw errors.invalidParameter("logprobs", "'logprobs' is not supported by Cohere through this gateway: its log probabilities have no OpenAI form.");
  }
  if (params["parallel_tool_calls"] === false) {
    throw errors.invalidParameter("parallel_tool_calls", "'parallel_tool_calls: false' is not supported by Cohere: it cannot limit a turn to one tool call.");
  }
  const body: JsonObject = { model, messages: toCohereMessages(req.messages), ...extra };
  const maxTokens = maxTokensOf(params);
  if (maxTokens !== undefined) body["max_tokens"] = maxTokens;
  const numbers: Array<[string, string]> = [
    ["temperature", "temperature"],
    ["top_p", "p"],
    ["top_k", "k"],
    ["seed", "seed"],
    ["frequency_penalty", "frequency_penalty"],
    ["presence_penalty", "presence_penalty"],
  ];
  for (const [from, to] of numbers) {
    const v = numberParam(params, from);
    if (v !== undefined) body[to] = v;
  }
  const stop = stopList(params);
  if (stop?.length) body["stop_sequences"] = stop;
  const format = responseFormatOf(params["response_format"]);
  if (format?.type === "json_object") body["response_format"] = { type: "json_object" };
  if (format?.type === "json_schema") body["response_format"] = { type: "json_object", json_schema: format.schema };
  Object.assign(body, toolFields(params));
  const thinking = thinkingField(params, maxTokens);
  if (thinking) body["thinking"] = thinking;
  body["stream"] = stream;
  return body;
}

function cohereTool(t: FunctionTool): JsonObject {
  const fn: JsonObject = { name: t.name, parameters: t.parameters };
  if (t.description !== undefined) fn["description"] = t.description;
  return { type: "function", function: fn };
}

/**
 * `tools` and `tool_choice`. Cohere's choice is all-or-nothing (`REQUIRED` / `NONE`, or
 * absent for auto), so a named function is expressed by sending only that tool and
 * requiring a call. `strict_tools` is Cohere's switch for schema-exact arguments, and it
 * covers every tool: it is set only when every tool asks for `strict`.
 */
function toolFields(params: JsonObject): JsonObject {
  refuseClientTools(params["tools"], "Cohere");
  const tools = functionToolsOf(params["tools"]);
  const choice = toolChoiceOf(params["tool_choice"]);
  const out: JsonObject = {};
  if (!tools?.length) {
    if (choice?.type === "required" || choice?.type === "function") {
      throw errors.invalidParameter("tool_choice", `'tool_choice' ${JSON.stringify(params["tool_choice"])} needs 'tools'.`);
    }
    return out;
  }
  let sent = tools;
  if (choice?.type === "function") {
    sent = tools.filter((t) => t.name === choice.name);
    if (!sent.length) throw errors.invalidParameter("tool_choice", `'tool_choice' names '${choice.name}', which is not in 'tools'.`);
  }
  out["tools"] = sent.map(cohereTool);
  if (sent.every((t) => t.strict === true) && params["strict_tools"] === undefined) out["strict_tools"] = true;
  if (choice?.type === "required" || choice?.type === "function") out["tool_choice"] = "REQUIRED";
  if (choice?.type === "none") out["tool_choice"] = "NONE";
  return out;
}

/** `thinking` → Cohere's `{type, token_budget}`; an explicit "disabled" is sent, as Cohere reasons by default. */
function thinkingField(params: JsonObject, maxTokens: number | undefined): JsonObject | undefined {
  const t = thinkingOf(params, maxTokens);
  if (t) return { type: "enabled", token_budget: t.budgetTokens };
  const raw = params["thinking"];
  if (raw && typeof raw === "object" && (raw as JsonObject)["type"] === "disabled") return { type: "disabled" };
  return undefined;
}
