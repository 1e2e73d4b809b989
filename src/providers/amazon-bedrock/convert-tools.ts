/**
 * `tools`, `tool_choice`, `parallel_tool_calls` and `response_format` → Converse
 * `toolConfig` (and, in one case, `outputConfig`).
 *
 * Converse has no tool choice "none": the tools are left out. But a request whose history
 * holds toolUse/toolResult blocks must carry a toolConfig, so there the tools are kept
 * with the default (auto) choice, or, when the request has no tools at all, a minimal spec
 * is made for each tool name found in history.
 *
 * JSON answers use a forced tool: a `json_response` tool whose input schema is the wanted
 * schema, chosen with `toolChoice: {tool}` (or `{any}` when the request has tools of its
 * own, so the model either calls one of them or answers in JSON). Its input comes back as
 * the answer's text. This works on every Converse model with tool use (Claude 3 and later,
 * Nova, Command R, Mistral Large, Llama 3.1+), where the native `outputConfig.textFormat`
 * exists only on a few newer models. The exception: Claude refuses a forced tool while
 * thinking, so with thinking on a json_schema goes to `outputConfig` (Claude 4.5 and later
 * take it) and json_object is refused.
 */
import { errors } from "../../gateway/errors.js";
import type { JsonObject } from "../../gateway/types.js";
import { functionToolsOf, responseFormatOf, toolChoiceOf, type FunctionTool } from "../common/index.js";
import { cachePoint } from "./convert-messages.js";

/** The name of the tool that carries a JSON answer. */
export const JSON_TOOL = "json_response";

export interface ToolPlan {
  toolConfig: JsonObject | undefined;
  outputConfig: JsonObject | undefined;
  /** A `json_response` tool call in the answer is the answer's text. */
  jsonTool: boolean;
}

export interface ToolOptions {
  caching: boolean;
  thinking: boolean;
  hasToolBlocks: boolean;
  historyToolNames: readonly string[];
}

function specOf(t: FunctionTool): JsonObject {
  const spec: JsonObject = { name: t.name, inputSchema: { json: t.parameters } };
  if (t.description !== undefined) spec["description"] = t.description;
  return { toolSpec: spec };
}

function specsOf(tools: readonly FunctionTool[], caching: boolean): JsonObject[] {
  const out: JsonObject[] = [];
  for (const t of tools) {
    out.push(specOf(t));
    if (t.cacheControl && caching) out.push(cachePoint(t.cacheControl));
  }
  return out;
}

function jsonSpec(schema: JsonObject, description: string): JsonObject {
  return { toolSpec: { name: JSON_TOOL, description, inputSchema: { json: schema } } };
}

function checkParallel(value: unknown): void {
  if (value === undefined || value === null || value === true) return;
  if (value === false) {
    throw errors.invalidParameter(
      "parallel_tool_calls",
      "'parallel_tool_calls: false' cannot be expressed through Amazon Bedrock's Converse API; leave it unset or true.",
    );
  }
  throw errors.invalidParameter("parallel_tool_calls", "'parallel_tool_calls' must be a boolean.");
}

/**
 * @example
 *   planTools({ tools: [weatherTool], tool_choice: "required" }, opts)
 *   // → { toolConfig: { tools: [{ toolSpec: … }], toolChoice: { any: {} } }, outputConfig: undefined, jsonTool: false }
 */
export function planTools(params: JsonObject, o: ToolOptions): ToolPlan {
  checkParallel(params["parallel_tool_calls"]);
  const tools = functionToolsOf(params["tools"]) ?? [];
  const choice = toolChoiceOf(params["tool_choice"]);
  const format = responseFormatOf(params["response_format"]);
  if ((choice?.type === "required" || choice?.type === "function") && tools.length === 0) {
    throw errors.invalidParameter("tool_choice", "'tool_choice' asks for a tool call but 'tools' is empty.");
  }
  if (choice?.type === "function" && !tools.some((t) => t.name === choice.name)) {
    throw errors.invalidParameter("tool_choice", `'tool_choice' names '${choice.name}', which is not in 'tools'.`);
  }
  const useTools = tools.length > 0 && choice?.type !== "none";
  // A forced user tool means the answer is that call, not text: the format has nothing to shape.
  const forcedUserTool = useTools && (choice?.type === "required" || choice?.type === "function");
  const wantsJson = format !== undefined && format.type !== "text" && !forcedUserTool;

  let outputConfig: JsonObject | undefined;
  let json: JsonObject | undefined;
  if (wantsJson && o.thinking) {
    if (format.type !== "json_schema") {
      throw errors.invalidParameter(
        "response_format",
        "'response_format' json_object cannot be combined with thinking on Amazon Bedrock; use json_schema (Claude 4.5 and later) or turn thinking off.",
      );
    }
    outputConfig = { textFormat: { type: "json_schema", structure: { jsonSchema: { schema: JSON.stringify(format.schema), name: format.name } } } };
  } else if (wantsJson) {
    if (tools.some((t) => t.name === JSON_TOOL)) {
      throw errors.invalidParameter("tools", `A tool may not be named '${JSON_TOOL}' when 'response_format' asks for JSON: Tessera uses that name for the JSON answer.`);
    }
    json =
      format.type === "json_schema"
        ? jsonSpec(format.schema, `Give the answer as JSON matching the '${format.name}' schema.`)
        : jsonSpec({ type: "object" }, "Give the answer as a JSON object.");
  }

  const specs = useTools ? specsOf(tools, o.caching) : [];
  let toolChoice: JsonObject | undefined;
  if (json) {
    specs.push(json);
    toolChoice = useTools ? { any: {} } : { tool: { name: JSON_TOOL } };
  } else if (useTools) {
    if (choice?.type === "auto") toolChoice = { auto: {} };
    else if (choice?.type === "required") toolChoice = { any: {} };
    else if (choice?.type === "function") toolChoice = { tool: { name: choice.name } };
  } else if (o.hasToolBlocks) {
    // Converse refuses history with tool blocks and no toolConfig; "none" cannot be said.
    if (tools.length > 0) specs.push(...specsOf(tools, o.caching));
    else for (const name of o.historyToolNames) specs.push({ toolSpec: { name, inputSchema: { json: { type: "object" } } } });
  }
  const toolConfig = specs.length ? (toolChoice ? { tools: specs, toolChoice } : { tools: specs }) : undefined;
  return { toolConfig, outputConfig, jsonTool: json !== undefined };
}
