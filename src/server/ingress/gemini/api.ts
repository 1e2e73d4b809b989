/**
 * The Gemini API request (`generateContent`, `streamGenerateContent`, `countTokens`) as
 * the ingress reads it: zod schemas built once, on first use, types inferred. The wire is
 * camelCase JSON. Objects are loose; the decoder refuses by name what the canonical form
 * cannot carry.
 */
import { z } from "zod";

const part = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  thoughtSignature: z.string().optional(),
  inlineData: z.looseObject({ mimeType: z.string(), data: z.string() }).optional(),
  functionCall: z.looseObject({ name: z.string().min(1), args: z.record(z.string(), z.unknown()).optional(), id: z.string().optional() }).optional(),
  functionResponse: z.looseObject({ name: z.string().min(1), response: z.record(z.string(), z.unknown()).optional(), id: z.string().optional() }).optional(),
});

const content = z.looseObject({ role: z.string().optional(), parts: z.array(part) });

const functionDeclaration = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  parametersJsonSchema: z.record(z.string(), z.unknown()).optional(),
});

const generationConfig = z.looseObject({
  temperature: z.number().optional(),
  topP: z.number().optional(),
  topK: z.number().optional(),
  maxOutputTokens: z.number().int().min(1).optional(),
  stopSequences: z.array(z.string()).optional(),
  candidateCount: z.number().int().optional(),
  responseMimeType: z.string().optional(),
  responseSchema: z.record(z.string(), z.unknown()).optional(),
  responseJsonSchema: z.record(z.string(), z.unknown()).optional(),
  thinkingConfig: z.looseObject({ thinkingBudget: z.number().int().optional(), includeThoughts: z.boolean().optional() }).optional(),
  seed: z.number().int().optional(),
  presencePenalty: z.number().optional(),
  frequencyPenalty: z.number().optional(),
});

export const generateRequestSchema = z.lazy(() =>
  z.looseObject({
    contents: z.array(content).min(1),
    systemInstruction: z.union([z.string(), content]).optional(),
    tools: z.array(z.looseObject({ functionDeclarations: z.array(functionDeclaration).optional() })).optional(),
    toolConfig: z
      .looseObject({ functionCallingConfig: z.looseObject({ mode: z.string().optional(), allowedFunctionNames: z.array(z.string()).optional() }).optional() })
      .optional(),
    generationConfig: generationConfig.optional(),
  }),
);

/** `countTokens` takes `contents`, or a whole `generateContentRequest`. */
export const countTokensSchema = z.lazy(() => z.looseObject({ contents: z.array(content).optional(), generateContentRequest: z.looseObject({}).optional() }));

export type GenerateRequest = z.infer<typeof generateRequestSchema>;
export type GeminiContent = z.infer<typeof content>;
export type GeminiPart = z.infer<typeof part>;
