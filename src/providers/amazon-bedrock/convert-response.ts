/**
 * A Converse response → an OpenAI chat completion. Converse answers carry no id, so one is
 * made. Reasoning blocks come back as Databricks reasoning content (signatures kept, so a
 * client can send them back); a `json_response` tool call that the gateway forced for
 * `response_format` becomes the answer's text, finishing with "stop".
 */
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import type { ChatCompletion, ChatMessage, ToolCall } from "../../gateway/types.js";
import { assistantContent, newId, nowSeconds, usageOf, type ReasoningOut } from "../common/index.js";
import { answerBlockOf, list, obj, str, usageCounts } from "./api.js";
import { JSON_TOOL } from "./convert-tools.js";
import { mapFinishReason } from "./map-finish-reason.js";

/**
 * @example
 *   fromConverse({ output: { message: { role: "assistant", content: [{ text: "Hi" }] } }, stopReason: "end_turn", usage: { inputTokens: 3, outputTokens: 1, totalTokens: 4 } }, "amazon.nova-pro-v1:0", false)
 *   // → { object: "chat.completion", choices: [{ message: { role: "assistant", content: "Hi" }, finish_reason: "stop" }], usage: { prompt_tokens: 3, … } }
 */
export function fromConverse(json: Record<string, unknown>, model: string, jsonTool: boolean): ChatCompletion {
  const message = obj(obj(json["output"])?.["message"]);
  const counts = usageCounts(json["usage"]);
  if (!message || !counts) throw new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, "Received an unexpected response from Amazon Bedrock.");
  let text = "";
  const reasoning: ReasoningOut[] = [];
  const toolCalls: ToolCall[] = [];
  let jsonAnswer = false;
  for (const raw of list(message["content"])) {
    const b = answerBlockOf(raw);
    switch (b.kind) {
      case "text":
        text += b.text;
        break;
      case "reasoning":
        reasoning.push(b.signature !== undefined ? { text: b.text, signature: b.signature } : { text: b.text });
        break;
      case "redacted":
        reasoning.push({ encrypted: b.data });
        break;
      case "toolUse":
        if (jsonTool && b.name === JSON_TOOL) {
          text += JSON.stringify(b.input);
          jsonAnswer = true;
        } else {
          toolCalls.push({ id: b.id || newId("call_"), type: "function", function: { name: b.name, arguments: JSON.stringify(b.input) } });
        }
        break;
      case "other":
        break;
    }
  }
  let finish: string = mapFinishReason(str(json["stopReason"]));
  if (finish === "tool_calls" && jsonAnswer && toolCalls.length === 0) finish = "stop";
  const msg: ChatMessage = { role: "assistant", content: reasoning.length ? assistantContent(reasoning, text) : text === "" && toolCalls.length ? null : text };
  if (toolCalls.length) msg.tool_calls = toolCalls;
  return {
    id: newId("chatcmpl-"),
    object: "chat.completion",
    created: nowSeconds(),
    model,
    choices: [{ index: 0, message: msg, finish_reason: finish }],
    usage: usageOf(counts),
  };
}
