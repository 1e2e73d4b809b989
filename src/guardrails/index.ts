/**
 * Guardrails (`ai_gateway.guardrails.input|output`): invalid keywords, PII (block or mask),
 * and — through a judge endpoint on this gateway — valid topics and safety.
 *
 * The pipeline calls `input` before the provider call and `output` / `outputStream` after
 * it, only on endpoints whose guardrails have that side. Calls made by the system
 * principal — the judge calls themselves — skip guardrails entirely: a judge endpoint that
 * had guardrails judged by itself (or by an endpoint judged by it) would otherwise recurse.
 *
 * @example
 *   const guardrails = createGuardrails({ judge: (endpoint, messages, ctx) => askChat(endpoint, messages, ctx) });
 *   guardrails.checkConfig(cfg, "ai_gateway"); // a 400 when safety is on and no judge_endpoint is named
 */
import type { AiGatewayConfig } from "../config/ai-gateway.js";
import { SYSTEM_PRINCIPAL, type Principal } from "../auth/principal.js";
import type { GuardrailContext, Guardrails } from "../gateway/policies.js";
import type { AnyChunk, AnyResponse, JsonObject } from "../gateway/types.js";
import { runSide } from "./check.js";
import { checkGuardrailsConfig, compile, type CompiledSide, type Direction } from "./config.js";
import { Judge, type JudgeFn } from "./judge.js";
import { guardStream } from "./stream.js";
import { requestSlots, responseSlots, writeMasks, type Slot } from "./text.js";

export type { JudgeFn } from "./judge.js";

export interface GuardrailService extends Guardrails {
  /** Checks an ai_gateway block's guardrails at config time; throws a 400 naming the field. */
  checkConfig(cfg: AiGatewayConfig, prefix: string): void;
}

/** Where judge failures are reported (the caller only learns that the check failed). */
export interface GuardrailLog {
  warn(obj: object, msg: string): void;
}

export interface GuardrailOptions {
  judge: JudgeFn;
  /** Per judge call; default 15 s. */
  judgeTimeoutMs?: number;
  log?: GuardrailLog;
}

function isSystem(p: Principal): boolean {
  return p === SYSTEM_PRINCIPAL || (p.id === SYSTEM_PRINCIPAL.id && p.name === SYSTEM_PRINCIPAL.name);
}

export function createGuardrails(o: GuardrailOptions): GuardrailService {
  const judge = new Judge({ judge: o.judge, ...(o.judgeTimeoutMs !== undefined ? { timeoutMs: o.judgeTimeoutMs } : {}) });

  /** The side to run, or undefined when there is nothing to do for this call. */
  const sideOf = (g: GuardrailContext, dir: Direction): CompiledSide | undefined => {
    if (isSystem(g.caller)) return undefined;
    const side = compile(g.config)[dir];
    return side?.active ? side : undefined;
  };

  const run = (g: GuardrailContext, dir: Direction, side: CompiledSide, slots: Slot[]) =>
    runSide({
      side,
      dir,
      task: g.task,
      slots,
      judge,
      judgeEndpoint: compile(g.config).judge,
      ctx: g.ctx,
      onJudgeFailure: (check, failure) =>
        o.log?.warn({ endpoint: g.endpoint.name, judge: compile(g.config).judge, check, direction: dir, requestId: g.ctx.requestId, reason: failure.message }, "guardrail judge failed; blocked (fail closed)"),
    });

  return {
    checkConfig: checkGuardrailsConfig,

    async input(g: GuardrailContext, body: JsonObject): Promise<JsonObject> {
      const side = sideOf(g, "input");
      if (!side) return body;
      const masks = await run(g, "input", side, requestSlots(g.task, body));
      return masks.length ? (writeMasks([body], masks)[0] as JsonObject) : body;
    },

    async output(g: GuardrailContext, response: AnyResponse): Promise<AnyResponse> {
      const side = sideOf(g, "output");
      if (!side) return response;
      const masks = await run(g, "output", side, responseSlots(response));
      return masks.length ? (writeMasks([response], masks)[0] as AnyResponse) : response;
    },

    outputStream(g: GuardrailContext, chunks: AsyncIterable<AnyChunk>): AsyncIterable<AnyChunk> {
      const side = sideOf(g, "output");
      // Nothing to check: the stream passes through untouched (its wire text too).
      if (!side) return chunks;
      return guardStream(chunks, (slots) => run(g, "output", side, slots));
    },
  };
}
