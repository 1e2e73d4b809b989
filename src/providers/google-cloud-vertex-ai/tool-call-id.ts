/**
 * Tool-call ids that carry Gemini's thought signature.
 *
 * Gemini puts a `thoughtSignature` on the function-call part of a thinking model's
 * answer and (Gemini 3) refuses the next turn unless that exact signature comes back on
 * the same function call. OpenAI clients reliably echo one thing about a tool call: its
 * id (in `tool_calls[].id` and the tool message's `tool_call_id`); many drop content
 * lists, where a reasoning block would live. So the signature rides in the id:
 * `call_<random>__thought__<signature>`, and is taken out again when the history goes
 * back to Gemini. Gemini's v1 API has no function-call ids of its own, so the id part is
 * only for the client.
 */

const SEPARATOR = "__thought__";

/** The client-facing id of a call: `base`, plus the signature when there is one. */
export function encodeToolCallId(base: string, signature: string | undefined): string {
  return signature ? `${base}${SEPARATOR}${signature}` : base;
}

/** Splits an id made by `encodeToolCallId`; ids from elsewhere have no signature. */
export function decodeToolCallId(id: string): { base: string; signature: string | undefined } {
  const at = id.indexOf(SEPARATOR);
  if (at < 0) return { base: id, signature: undefined };
  const signature = id.slice(at + SEPARATOR.length);
  return { base: id.slice(0, at), signature: signature || undefined };
}
