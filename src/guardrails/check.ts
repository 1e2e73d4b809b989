/**
 * One side's checks over the slots of a request, a response or a buffered stream, in
 * order of cost: invalid keywords, then PII (block, or collect masks), then the judge
 * calls (safety and topics in parallel, on the masked text: PII never reaches the judge).
 * Throws the blocking error; returns the masks to write when PII is masked.
 */
import type { Task } from "../gateway/types.js";
import type { CallContext } from "../providers/provider.js";
import { blocked, judgeUnavailable } from "./blocked.js";
import type { CompiledSide, Direction } from "./config.js";
import { JUDGE_WINDOW, JudgeFailure, MAX_JUDGE_WINDOWS, type Judge, type JudgeCheck } from "./judge.js";
import { applySpans, findPii, PII_TYPES, type PiiSpan } from "./pii.js";
import { slotText, type Slot } from "./text.js";

export interface SideRun {
  side: CompiledSide;
  dir: Direction;
  task: Task;
  slots: readonly Slot[];
  judge: Judge;
  judgeEndpoint: string | undefined;
  ctx: CallContext;
  /** Told why a judge failed (the caller only learns that it did). */
  onJudgeFailure?: (check: JudgeCheck, failure: JudgeFailure) => void;
}

export type Masks = Array<{ slot: Slot; spans: PiiSpan[] }>;

export async function runSide(r: SideRun): Promise<Masks> {
  const { side, dir, task } = r;
  const texts = r.slots.map(slotText);

  if (side.keywords) {
    for (let i = 0; i < r.slots.length; i++) {
      if ((r.slots[i] as Slot).kind === "tool_args") continue;
      const hit = side.keywords.find(texts[i] as string);
      if (hit !== undefined) throw blocked(dir, dir === "input" ? `invalid keyword ${JSON.stringify(hit)}` : "invalid keyword", task);
    }
  }

  const masks: Masks = [];
  if (side.pii !== "NONE") {
    const types = new Set<string>();
    r.slots.forEach((slot, i) => {
      const spans = findPii(texts[i] as string);
      if (spans.length === 0) return;
      masks.push({ slot, spans });
      for (const s of spans) types.add(s.type);
      // The judge below reads the masked text.
      texts[i] = applySpans(texts[i] as string, spans);
    });
    if (side.pii === "BLOCK" && masks.length) throw blocked(dir, `PII detected (${PII_TYPES.filter((t) => types.has(t)).join(", ")})`, task);
  }

  if (side.judged) await judge(r, texts);
  return side.pii === "MASK" ? masks : [];
}

/** The conversation as the judge reads it: each text slot, with its role on input chat. */
function safetyText(r: SideRun, texts: readonly string[]): string {
  const parts: string[] = [];
  r.slots.forEach((s, i) => {
    const t = texts[i] as string;
    if (s.kind !== "text" || t.trim() === "") return;
    parts.push(s.role ? `${s.role}: ${t}` : t);
  });
  return parts.join("\n\n");
}

/**
 * What the topic check reads: on chat input, the last user message (what is being asked
 * now; earlier turns were checked when they were sent); else all the text. At most the
 * last JUDGE_WINDOW characters.
 */
function topicText(r: SideRun, texts: readonly string[]): string {
  let pick = r.slots.map((s, i) => ({ s, t: texts[i] as string })).filter((x) => x.s.kind === "text");
  const lastUser = pick.filter((x) => x.s.role === "user").at(-1)?.s.message;
  if (lastUser !== undefined) pick = pick.filter((x) => x.s.message === lastUser);
  const text = pick
    .map((x) => x.t)
    .filter((t) => t.trim() !== "")
    .join("\n\n");
  return text.length > JUDGE_WINDOW ? text.slice(-JUDGE_WINDOW) : text;
}

async function judge(r: SideRun, texts: readonly string[]): Promise<void> {
  const endpoint = r.judgeEndpoint;
  const checks: Array<{ check: JudgeCheck; text: string }> = [];
  if (r.side.safety) {
    const text = safetyText(r, texts);
    if (text.length > JUDGE_WINDOW * MAX_JUDGE_WINDOWS) throw blocked(r.dir, "content too long for the safety check", r.task);
    if (text.trim() !== "") checks.push({ check: "safety", text });
  }
  if (r.side.topics.length) {
    const text = topicText(r, texts);
    if (text.trim() !== "") checks.push({ check: "topics", text });
  }
  if (checks.length === 0) return;
  // Config checks make this unreachable; a judge-less check must still never pass silently.
  if (!endpoint) throw judgeUnavailable(r.dir, checks[0]?.check ?? "safety");
  const results = await Promise.allSettled(checks.map((c) => r.judge.decide(endpoint, c.check, c.text, r.side.topics, r.ctx)));
  // A block decided by one check stands even when the other failed.
  if (results.some((x, i) => x.status === "fulfilled" && x.value === "block" && checks[i]?.check === "safety")) throw blocked(r.dir, "unsafe content", r.task);
  if (results.some((x) => x.status === "fulfilled" && x.value === "block")) throw blocked(r.dir, "off-topic", r.task);
  for (const [i, x] of results.entries()) {
    if (x.status === "fulfilled") continue;
    if (!(x.reason instanceof JudgeFailure)) throw x.reason;
    const check = checks[i]?.check ?? "safety";
    r.onJudgeFailure?.(check, x.reason);
    throw judgeUnavailable(r.dir, check);
  }
}
