/**
 * A guardrails block, checked at config time and compiled once per config object (the
 * live endpoint keeps the same object until its ai_gateway changes), so that the hot path
 * never builds a pattern.
 */
import type { AiGatewayConfig } from "../config/ai-gateway.js";
import { errors } from "../gateway/errors.js";
import { compileKeywords, type KeywordMatcher } from "./keywords.js";

export type GuardrailsConfig = NonNullable<AiGatewayConfig["guardrails"]>;
type SideConfig = NonNullable<GuardrailsConfig["input"]>;
export type Direction = "input" | "output";

export interface CompiledSide {
  keywords: KeywordMatcher | undefined;
  pii: "NONE" | "BLOCK" | "MASK";
  /** Non-blank topics; empty: no topic check. */
  topics: string[];
  safety: boolean;
  /** Whether any check is on (else the side is skipped, and a stream passes through as is). */
  active: boolean;
  /** Whether a judge call is needed. */
  judged: boolean;
}

export interface CompiledGuardrails {
  input: CompiledSide | undefined;
  output: CompiledSide | undefined;
  judge: string | undefined;
}

function side(c: SideConfig | undefined): CompiledSide | undefined {
  if (!c) return undefined;
  const keywords = compileKeywords(c.invalid_keywords);
  const pii = c.pii?.behavior ?? "NONE";
  const topics = (c.valid_topics ?? []).map((t) => t.trim()).filter(Boolean);
  const safety = c.safety === true;
  const judged = safety || topics.length > 0;
  return { keywords, pii, topics, safety, judged, active: judged || keywords !== undefined || pii !== "NONE" };
}

const compiledCache = new WeakMap<GuardrailsConfig, CompiledGuardrails>();

/** The compiled form of a guardrails block, built on first use of that object. */
export function compile(cfg: GuardrailsConfig): CompiledGuardrails {
  let c = compiledCache.get(cfg);
  if (!c) {
    c = { input: side(cfg.input), output: side(cfg.output), judge: cfg.judge_endpoint };
    compiledCache.set(cfg, c);
  }
  return c;
}

/**
 * Config-time checks beyond the schema: `safety` and `valid_topics` need a judge endpoint
 * (enabling them without one would be a silent no-op), and no keyword or topic is blank.
 * `prefix` is "ai_gateway" inside an endpoint body and "" for `PUT …/ai-gateway`, so the
 * field named is the one in the body the caller sent.
 */
export function checkGuardrailsConfig(cfg: AiGatewayConfig, prefix: string): void {
  const g = cfg.guardrails;
  if (!g) return;
  const at = (path: string) => (prefix ? `${prefix}.${path}` : path);
  for (const dir of ["input", "output"] as const) {
    const s = g[dir];
    if (!s) continue;
    for (const list of ["invalid_keywords", "valid_topics"] as const) {
      const i = (s[list] ?? []).findIndex((v) => v.trim() === "");
      if (i >= 0) throw errors.invalidParameter(at(`guardrails.${dir}.${list}[${i}]`), `${at(`guardrails.${dir}.${list}[${i}]`)} is blank.`);
    }
    const needs = s.safety === true ? "safety" : (s.valid_topics ?? []).length > 0 ? "valid_topics" : undefined;
    if (needs && !g.judge_endpoint) {
      const field = at(`guardrails.${dir}.${needs}`);
      throw errors.invalidParameter(
        field,
        `${field} needs ${at("guardrails.judge_endpoint")}: the name of a chat endpoint on this gateway that judges the ${needs === "safety" ? "safety" : "topic"} of the text.`,
      );
    }
  }
}
