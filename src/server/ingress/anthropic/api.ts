/**
 * The Anthropic Messages request as the ingress reads it (API version 2023-06-01): zod
 * schemas built once, on first use, and the types inferred from them. Objects are loose —
 * Anthropic adds fields often — and the decoder (decode.ts) refuses, by name, the known
 * fields the canonical form cannot carry, so nothing is silently dropped.
 */
import { z } from "zod";

const cacheControl = z.looseObject({ type: z.string() }).optional().nullable();

const textBlock = z.looseObject({ type: z.literal("text"), text: z.string(), cache_control: cacheControl });

const imageSource = z.union([
  z.looseObject({ type: z.literal("base64"), media_type: z.string(), data: z.string() }),
  z.looseObject({ type: z.literal("url"), url: z.string() }),
]);

const imageBlock = z.looseObject({ type: z.literal("image"), source: imageSource, cache_control: cacheControl });

const toolUseBlock = z.looseObject({
  type: z.literal("tool_use"),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.unknown(),
  cache_control: cacheControl,
});

const toolResultBlock = z.looseObject({
  type: z.literal("tool_result"),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.union([textBlock, imageBlock]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});

const thinkingBlock = z.looseObject({ type: z.literal("thinking"), thinking: z.string(), signature: z.string().optional() });
const redactedThinkingBlock = z.looseObject({ type: z.literal("redacted_thinking"), data: z.string() });

/**
 * A block as the message schema reads it: only its `type`. The decoder then reads it with
 * the schema of that type (BLOCKS), so a bad block is reported at its own field, and a
 * type without a canonical equivalent (document, search_result, server tools…) by name.
 */
const contentBlock = z.looseObject({ type: z.string() });

/** The block schemas by type, for the decoder. */
export const BLOCKS = {
  text: textBlock,
  image: imageBlock,
  tool_use: toolUseBlock,
  tool_result: toolResultBlock,
  thinking: thinkingBlock,
  redacted_thinking: redactedThinkingBlock,
};

const message = z.looseObject({
  role: z.enum(["user", "assistant"]),
  content: z.union([z.string(), z.array(contentBlock)]),
});

const tool = z.looseObject({
  type: z.string().optional().nullable(),
  name: z.string().min(1),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()).optional(),
  cache_control: cacheControl,
});

const toolChoice = z.looseObject({
  type: z.enum(["auto", "any", "tool", "none"]),
  name: z.string().optional(),
  disable_parallel_tool_use: z.boolean().optional(),
});

export const messagesRequestSchema = z.lazy(() =>
  z.looseObject({
    model: z.string().min(1, "give the serving endpoint's name"),
    max_tokens: z.number().int().min(1),
    messages: z.array(message).min(1),
    system: z.union([z.string(), z.array(textBlock)]).optional(),
    stop_sequences: z.array(z.string()).optional(),
    stream: z.boolean().optional(),
    temperature: z.number().min(0).max(1).optional(),
    top_p: z.number().min(0).max(1).optional(),
    top_k: z.number().int().min(0).optional(),
    tools: z.array(tool).optional(),
    tool_choice: toolChoice.optional(),
    thinking: z.looseObject({ type: z.string(), budget_tokens: z.number().int().optional() }).optional(),
    metadata: z.looseObject({ user_id: z.string().optional().nullable() }).optional(),
    output_config: z.looseObject({ format: z.looseObject({ type: z.string(), schema: z.record(z.string(), z.unknown()).optional() }).optional().nullable() }).optional(),
    service_tier: z.string().optional(),
  }),
);

/** `count_tokens` takes the same body without `max_tokens` (and never streams). */
export const countTokensRequestSchema = z.lazy(() =>
  z.looseObject({
    model: z.string().min(1, "give the serving endpoint's name"),
    messages: z.array(message).min(1),
    system: z.union([z.string(), z.array(textBlock)]).optional(),
    tools: z.array(tool).optional(),
    tool_choice: toolChoice.optional(),
    thinking: z.looseObject({ type: z.string(), budget_tokens: z.number().int().optional() }).optional(),
  }),
);

export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>;
export type ContentBlock = z.infer<typeof contentBlock>;
export type ImageBlock = z.infer<typeof imageBlock>;
export type AnthropicMessage = z.infer<typeof message>;
export type AnthropicTool = z.infer<typeof tool>;
export type TextBlock = z.infer<typeof textBlock>;
