/**
 * Which endpoints the playground offers (chat endpoints only: the playground speaks the
 * chat API) and which one a new column starts with: the `?endpoint=` of the URL when it
 * names a chat endpoint (the endpoint page links here that way), else the first by name.
 */
import type { Endpoint } from "../../api/types.js";

export const CHAT_TASK = "llm/v1/chat";

function taskOf(e: Endpoint): string | undefined {
  return e.task ?? e.config?.served_entities?.[0]?.external_model?.task;
}

/** Chat endpoints sorted by name. */
export function chatEndpoints(all: Endpoint[]): Endpoint[] {
  return all.filter((e) => taskOf(e) === CHAT_TASK).sort((a, b) => a.name.localeCompare(b.name));
}

/** "openai · gpt-4o" or "openai · gpt-4o, anthropic · claude (2 served)" for an endpoint's picker hint. */
export function servedSummary(e: Endpoint): string {
  const entities = e.config?.served_entities ?? [];
  const parts = entities.map((s) => `${s.external_model.provider} · ${s.external_model.name}`);
  return parts.length > 1 ? `${parts.join(", ")} (${parts.length} served)` : (parts[0] ?? "");
}

/** The endpoint a column starts with: `wanted` if it is offered, else the first one, else "". */
export function initialEndpoint(names: string[], wanted: string | null | undefined, taken: string[] = []): string {
  if (wanted && names.includes(wanted)) return wanted;
  return names.find((n) => !taken.includes(n)) ?? names[0] ?? "";
}
