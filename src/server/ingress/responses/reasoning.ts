/**
 * How a reasoning step's proof travels through a Responses client and back: in the
 * reasoning item's `encrypted_content`, opaque to the client. A signed thinking step
 * (Anthropic, Bedrock, Gemini) keeps its signature as `tsg1:<signature>` beside its
 * summary text; encrypted reasoning as `tsr1:<data>`. A value without either prefix
 * (an OpenAI upstream's own) is kept as encrypted reasoning, unchanged.
 */
import type { JsonObject } from "../../../gateway/types.js";

const SIGNED = "tsg1:";
const REDACTED = "tsr1:";

/** The `encrypted_content` for a canonical summary item, or undefined when there is nothing to carry. */
export function sealOf(item: JsonObject): string | undefined {
  if (item["type"] === "summary_encrypted_text" && typeof item["data"] === "string") return REDACTED + item["data"];
  return typeof item["signature"] === "string" ? SIGNED + item["signature"] : undefined;
}

/** The canonical summary items of a reasoning input item. */
export function unsealed(texts: readonly string[], sealed: string | null | undefined): JsonObject[] {
  if (sealed && !sealed.startsWith(SIGNED)) return [{ type: "summary_encrypted_text", data: sealed.startsWith(REDACTED) ? sealed.slice(REDACTED.length) : sealed }];
  const signature = sealed ? sealed.slice(SIGNED.length) : undefined;
  const text = texts.join("");
  return [signature !== undefined ? { type: "summary_text", text, signature } : { type: "summary_text", text }];
}
