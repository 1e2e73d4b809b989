/**
 * The `ai_gateway` block and endpoint tags: checked here, stored with the endpoint and
 * returned as given. Enforcement of rate limits, guardrails, usage tracking, inference
 * tables and fallbacks lives in the gateway pipeline.
 */
import { z } from "zod";
import { errors } from "../gateway/errors.js";

const guardrailParams = z.strictObject({
  safety: z.boolean().optional(),
  pii: z.strictObject({ behavior: z.enum(["NONE", "BLOCK", "MASK"]) }).optional(),
  invalid_keywords: z.array(z.string()).optional(),
  valid_topics: z.array(z.string()).optional(),
});

const rateLimit = z.strictObject({
  calls: z.number().int().min(0).optional(),
  tokens: z.number().int().min(0).optional(),
  key: z.enum(["endpoint", "user", "user_group", "service_principal"]).optional(),
  principal: z.string().min(1).optional(),
  renewal_period: z.literal("minute"),
});

export const aiGatewaySchema = z.strictObject({
  guardrails: z
    .strictObject({
      input: guardrailParams.optional(),
      output: guardrailParams.optional(),
      /**
       * Tessera extension: the chat endpoint of this gateway that judges `safety` and
       * `valid_topics` (both need a model; without a judge they are a 400 at config time).
       */
      judge_endpoint: z.string().min(1).optional(),
    })
    .optional(),
  rate_limits: z.array(rateLimit).optional(),
  usage_tracking_config: z.strictObject({ enabled: z.boolean() }).optional(),
  inference_table_config: z
    .strictObject({
      catalog_name: z.string().optional(),
      schema_name: z.string().optional(),
      table_name_prefix: z.string().optional(),
      enabled: z.boolean().optional(),
    })
    .optional(),
  fallback_config: z.strictObject({ enabled: z.boolean() }).optional(),
});

export type AiGatewayConfig = z.infer<typeof aiGatewaySchema>;

export const tagSchema = z.strictObject({ key: z.string().min(1).max(255), value: z.string().max(16384).optional() });
export type Tag = z.infer<typeof tagSchema>;

/** The deprecated `rate_limits` body of `PUT …/rate-limits`. */
export const legacyRateLimitsSchema = z.strictObject({
  rate_limits: z.array(
    z.strictObject({ calls: z.number().int().min(0), key: z.enum(["user", "endpoint"]).optional(), renewal_period: z.literal("minute") }),
  ),
});

/** Parses with a schema; a failure is a 400 naming the field (`prefix.path`). */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = [prefix, ...(issue?.path ?? []).map((p) => (typeof p === "number" ? `[${p}]` : String(p)))]
    .filter(Boolean)
    .join(".")
    .replace(/\.\[/g, "[");
  const detail = issue?.code === "unrecognized_keys" ? `has an unknown field ${(issue as { keys: string[] }).keys.join(", ")}` : (issue?.message ?? "is invalid");
  throw errors.invalidParameter(path, `${path} ${detail}.`);
}
