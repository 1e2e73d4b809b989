/**
 * The OpenAI Responses request as the ingress reads it: zod schemas built once, on first
 * use, types inferred. Loose objects (OpenAI adds fields often); the decoder refuses by
 * name what the canonical form cannot carry. Input items are read by their `type` with the
 * schema of that type (ITEMS, PARTS), so a bad item is reported at its own field.
 */
import { z } from "zod";

const typed = z.looseObject({ type: z.string().optional() });

export const PARTS = {
  input_text: z.looseObject({ type: z.literal("input_text"), text: z.string() }),
  output_text: z.looseObject({ type: z.literal("output_text"), text: z.string() }),
  input_image: z.looseObject({ type: z.literal("input_image"), image_url: z.string().optional().nullable(), file_id: z.string().optional().nullable(), detail: z.string().optional() }),
};

export const ITEMS = {
  message: z.looseObject({
    type: z.literal("message").optional(),
    role: z.enum(["user", "assistant", "system", "developer"]),
    content: z.union([z.string(), z.array(typed)]),
  }),
  function_call: z.looseObject({ type: z.literal("function_call"), call_id: z.string().min(1), name: z.string().min(1), arguments: z.string() }),
  function_call_output: z.looseObject({ type: z.literal("function_call_output"), call_id: z.string().min(1), output: z.union([z.string(), z.array(typed)]) }),
  reasoning: z.looseObject({
    type: z.literal("reasoning"),
    summary: z.array(z.looseObject({ type: z.string(), text: z.string() })).optional(),
    encrypted_content: z.string().optional().nullable(),
  }),
};

const tool = z.looseObject({ type: z.string(), name: z.string().optional(), description: z.string().optional().nullable(), parameters: z.record(z.string(), z.unknown()).optional().nullable(), strict: z.boolean().optional().nullable() });

export const responsesRequestSchema = z.lazy(() =>
  z.looseObject({
    model: z.string().min(1, "give the serving endpoint's name"),
    input: z.union([z.string(), z.array(typed)]),
    instructions: z.string().optional().nullable(),
    tools: z.array(tool).optional(),
    tool_choice: z.union([z.enum(["auto", "none", "required"]), z.looseObject({ type: z.string(), name: z.string().optional() })]).optional(),
    text: z.looseObject({ format: z.looseObject({ type: z.string(), name: z.string().optional(), schema: z.record(z.string(), z.unknown()).optional(), strict: z.boolean().optional().nullable() }).optional() }).optional(),
    reasoning: z.looseObject({ effort: z.string().optional().nullable(), summary: z.string().optional().nullable() }).optional().nullable(),
    max_output_tokens: z.number().int().min(1).optional().nullable(),
    temperature: z.number().min(0).max(2).optional().nullable(),
    top_p: z.number().min(0).max(1).optional().nullable(),
    parallel_tool_calls: z.boolean().optional().nullable(),
    stream: z.boolean().optional().nullable(),
    store: z.boolean().optional().nullable(),
    previous_response_id: z.string().optional().nullable(),
    user: z.string().optional(),
    metadata: z.record(z.string(), z.string()).optional().nullable(),
    truncation: z.string().optional().nullable(),
  }),
);

export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
export type Item = z.infer<typeof typed>;
