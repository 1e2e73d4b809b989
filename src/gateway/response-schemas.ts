/**
 * The answers of each task as zod schemas, for the endpoint's OpenAPI document
 * (`GET /api/2.0/serving-endpoints/{name}/openapi`). Answers are built by the adapters, not
 * parsed, so these schemas are never run on the hot path; each is declared as a
 * `z.ZodType` of the canonical type in `types.ts`, so a required field added to a type
 * fails to compile here until the published schema has it too.
 */
import { z } from "zod";
import type { ChatChunk, ChatCompletion, Completion, EmbeddingsResponse, Task, Usage } from "./types.js";

const usage: z.ZodType<Usage> = z.looseObject({
  prompt_tokens: z.number().int().optional(),
  completion_tokens: z.number().int().optional(),
  total_tokens: z.number().int().optional(),
  prompt_tokens_details: z.looseObject({ cached_tokens: z.number().int().optional() }).optional(),
  completion_tokens_details: z.looseObject({ reasoning_tokens: z.number().int().optional() }).optional(),
});

const toolCall = z.looseObject({
  id: z.string().optional(),
  type: z.string().optional(),
  function: z.object({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
});

/** Content is a string, or (Databricks flavour) a list of blocks such as `{"type":"reasoning","summary":[…]}`. */
const content = z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]);

const assistantMessage = z.looseObject({
  role: z.string(),
  content: content.optional(),
  tool_calls: z.array(toolCall).optional(),
});

const chatCompletion: z.ZodType<ChatCompletion> = z.looseObject({
  id: z.string(),
  object: z.literal("chat.completion"),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(z.looseObject({ index: z.number().int(), message: assistantMessage, finish_reason: z.string().nullable() })),
  usage: usage.optional(),
});

const chatChunk: z.ZodType<ChatChunk> = z.looseObject({
  id: z.string(),
  object: z.literal("chat.completion.chunk"),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(z.looseObject({ index: z.number().int(), delta: assistantMessage.partial(), finish_reason: z.string().nullable() })),
  usage: usage.nullable().optional(),
});

const completion: z.ZodType<Completion> = z.looseObject({
  id: z.string(),
  object: z.literal("text_completion"),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(z.looseObject({ index: z.number().int(), text: z.string(), finish_reason: z.string().nullable() })),
  usage: usage.optional(),
});

const embeddings: z.ZodType<EmbeddingsResponse> = z.looseObject({
  object: z.literal("list"),
  data: z.array(
    z.looseObject({
      object: z.literal("embedding"),
      index: z.number().int(),
      // float32 little-endian, base64, when the request asked for `encoding_format: "base64"`.
      embedding: z.union([z.array(z.number()), z.string()]),
    }),
  ),
  model: z.string(),
  usage: usage.optional(),
});

/** Per task: the JSON answer and, for tasks that stream, the schema of one `data:` chunk. */
export const RESPONSE_SCHEMAS: Record<Task, { response: z.ZodType; chunk?: z.ZodType }> = {
  "llm/v1/chat": { response: chatCompletion, chunk: chatChunk },
  "llm/v1/completions": { response: completion, chunk: completion },
  "llm/v1/embeddings": { response: embeddings },
};
