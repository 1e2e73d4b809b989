/**
 * Checks of query bodies, compiled once at load. Only the fields the gateway or every
 * upstream relies on are checked; everything else passes through to the provider, which
 * answers for what it does not accept.
 */
import { z } from "zod";
import { errors } from "./errors.js";
import { thinkingOf } from "./thinking.js";
import type { ChatRequest, CompletionRequest, EmbeddingsRequest, JsonObject, Task } from "./types.js";

const stop = z.union([z.string(), z.array(z.string()).max(16)]);
const common = {
  max_tokens: z.number().int().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  n: z.number().int().min(1).max(128).optional(),
  stop: stop.optional().nullable(),
  stream: z.boolean().optional().nullable(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).optional().nullable(),
  extra_params: z.record(z.string(), z.unknown()).optional(),
  client_request_id: z.string().max(36, "must be at most 36 characters").optional(),
  usage_context: z.record(z.string(), z.unknown()).optional(),
};

const message = z.looseObject({
  role: z.string().min(1),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]).optional(),
});

const chat = z.looseObject({ ...common, messages: z.array(message).min(1, "must hold at least one message") });
const completions = z.looseObject({
  ...common,
  prompt: z.union([z.string(), z.array(z.string()).min(1)]),
});
const embeddings = z.looseObject({
  input: z.union([z.string(), z.array(z.string()).min(1), z.array(z.number()).min(1), z.array(z.array(z.number())).min(1)]),
  // The gateway encodes base64 itself, for every provider (embeddings-encoding.ts).
  encoding_format: z.enum(["float", "base64"]).optional().nullable(),
  extra_params: z.record(z.string(), z.unknown()).optional(),
  client_request_id: z.string().max(36).optional(),
  usage_context: z.record(z.string(), z.unknown()).optional(),
});

/**
 * The request schema of each task: what `validateRequest` checks, and what an endpoint's
 * OpenAPI document (`GET …/openapi`, server/openapi.ts) publishes, so the two cannot drift.
 */
export const REQUEST_SCHEMAS = { "llm/v1/chat": chat, "llm/v1/completions": completions, "llm/v1/embeddings": embeddings } as const;
const SCHEMAS = REQUEST_SCHEMAS;

function fieldOf(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : (i ? "." : "") + String(p))).join("");
}

/** The body checked for the task; a 400 naming the first field at fault otherwise. */
export function validateRequest(task: "llm/v1/chat", body: unknown): ChatRequest;
export function validateRequest(task: "llm/v1/completions", body: unknown): CompletionRequest;
export function validateRequest(task: "llm/v1/embeddings", body: unknown): EmbeddingsRequest;
export function validateRequest(task: Task, body: unknown): JsonObject;
export function validateRequest(task: Task, body: unknown): JsonObject {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw errors.malformed("The request body must be a JSON object.");
  const r = SCHEMAS[task].safeParse(body);
  if (r.success) {
    if (task !== "llm/v1/embeddings") checkThinking(body as JsonObject);
    return body as JsonObject;
  }
  const issue = r.error.issues[0];
  const field = fieldOf(issue?.path ?? []);
  if (issue?.code === "invalid_type" && issue.input === undefined) {
    throw errors.invalidParameter(field, `'${field}' is required for ${task} endpoints.`);
  }
  throw errors.invalidParameter(field, `'${field}' ${issue?.message ?? "is invalid"}.`);
}

/** `thinking` (possibly inside `extra_params`) must fit in `max_tokens`, whatever the provider. */
function checkThinking(body: JsonObject): void {
  const extra = body["extra_params"] as JsonObject | undefined;
  const merged = extra && "thinking" in extra ? { ...extra, ...body } : body;
  if (merged["thinking"] === undefined) return;
  const max = merged["max_tokens"] ?? merged["max_completion_tokens"];
  thinkingOf(merged, typeof max === "number" ? max : undefined);
}
