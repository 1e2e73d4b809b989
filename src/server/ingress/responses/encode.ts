/**
 * The canonical chat answer → an OpenAI `response` object: reasoning blocks become
 * `reasoning` items (signature or encrypted data sealed in `encrypted_content`, see
 * reasoning.ts), text a `message` item with one `output_text` part, tool calls
 * `function_call` items. A length stop is `status: "incomplete"` with
 * `incomplete_details.reason: "max_output_tokens"`, as OpenAI answers it.
 */
import { randomBytes } from "node:crypto";
import type { ChatCompletion, ChatMessage, JsonObject, Usage } from "../../../gateway/types.js";
import type { ResponsesRequest } from "./api.js";
import { sealOf } from "./reasoning.js";

export function itemId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("hex")}`;
}

/** Canonical usage → the Responses API's counters. */
export function usageOut(u: Usage | null | undefined): JsonObject {
  const input = u?.prompt_tokens ?? 0;
  const output = u?.completion_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u?.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: u?.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: u?.total_tokens ?? input + output,
  };
}

export function reasoningItem(id: string, text: string | undefined, seal: string | undefined): JsonObject {
  const item: JsonObject = { type: "reasoning", id, summary: text !== undefined ? [{ type: "summary_text", text }] : [] };
  if (seal !== undefined) item["encrypted_content"] = seal;
  return item;
}

export function messageItem(id: string, text: string, status: string): JsonObject {
  return { type: "message", id, status, role: "assistant", content: [{ type: "output_text", text, annotations: [], logprobs: [] }] };
}

export function functionCallItem(id: string, callId: string, name: string, args: string, status: string): JsonObject {
  return { type: "function_call", id, call_id: callId, name, arguments: args, status };
}

/** The output items of an assistant message, in order: reasoning, message, function calls. */
export function outputItems(msg: ChatMessage | undefined): JsonObject[] {
  const items: JsonObject[] = [];
  let text = "";
  const c = msg?.content;
  if (typeof c === "string") text = c;
  else if (Array.isArray(c)) {
    for (const part of c) {
      if (part.type === "text" && typeof part["text"] === "string") text += part["text"];
      else if (part.type === "reasoning" && Array.isArray(part["summary"])) {
        for (const s of part["summary"] as JsonObject[]) {
          const t = typeof s["text"] === "string" ? s["text"] : undefined;
          items.push(reasoningItem(itemId("rs"), t, sealOf(s)));
        }
      }
    }
  }
  if (text) items.push(messageItem(itemId("msg"), text, "completed"));
  for (const call of msg?.tool_calls ?? []) {
    items.push(functionCallItem(itemId("fc"), call.id ?? itemId("call"), call.function?.name ?? "", call.function?.arguments ?? "", "completed"));
  }
  return items;
}

/** What every `response` object of one call repeats from its request. */
export interface ResponseBase {
  id: string;
  createdAt: number;
  req: ResponsesRequest;
}

export function newBase(req: ResponsesRequest): ResponseBase {
  return { id: itemId("resp"), createdAt: Math.floor(Date.now() / 1000), req };
}

/** A `response` object in a given state. */
export function responseObject(b: ResponseBase, s: { status: string; output: JsonObject[]; usage: JsonObject | null; finish?: string | null; error?: JsonObject | null }): JsonObject {
  const r = b.req;
  return {
    id: b.id,
    object: "response",
    created_at: b.createdAt,
    status: s.status,
    error: s.error ?? null,
    incomplete_details: s.status === "incomplete" ? { reason: s.finish === "content_filter" ? "content_filter" : "max_output_tokens" } : null,
    instructions: r.instructions ?? null,
    max_output_tokens: r.max_output_tokens ?? null,
    model: r.model,
    output: s.output,
    parallel_tool_calls: r.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: r.reasoning?.effort ?? null, summary: r.reasoning?.summary ?? null },
    store: false,
    temperature: r.temperature ?? null,
    text: r.text ?? { format: { type: "text" } },
    tool_choice: r.tool_choice ?? "auto",
    tools: r.tools ?? [],
    top_p: r.top_p ?? null,
    truncation: "disabled",
    usage: s.usage,
    user: r.user ?? null,
    metadata: r.metadata ?? {},
  };
}

/** The status a finish reason gives a response. */
export function statusOf(finish: string | null | undefined): string {
  return finish === "length" || finish === "content_filter" ? "incomplete" : "completed";
}

/** The `response` object for a non-streamed canonical answer. */
export function toResponse(res: ChatCompletion, req: ResponsesRequest): JsonObject {
  const choice = res.choices[0];
  return responseObject(newBase(req), { status: statusOf(choice?.finish_reason), finish: choice?.finish_reason ?? null, output: outputItems(choice?.message), usage: usageOut(res.usage) });
}
