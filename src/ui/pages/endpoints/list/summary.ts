/**
 * What the endpoints list shows of an endpoint, as plain strings: who serves it, how the
 * traffic is split, its state. Kept apart from the table so search, sort and display read
 * the same words.
 */
import type { Endpoint } from "../../../api/types";

/** "openai · gpt-4o-mini" per served entity, in config order, without repeats. */
export function servedModels(e: Endpoint): string[] {
  const out: string[] = [];
  for (const s of e.config?.served_entities ?? []) {
    const m = s.external_model;
    const label = m ? `${m.provider} · ${m.name}` : s.name;
    if (!out.includes(label)) out.push(label);
  }
  return out;
}

/** "80% a / 20% b"; an endpoint with one entity and no routes sends it everything. */
export function trafficSplit(e: Endpoint): string {
  const routes = e.config?.traffic_config?.routes ?? [];
  if (routes.length === 0) {
    const only = e.config?.served_entities ?? [];
    return only.length === 1 && only[0] ? `100% ${only[0].name}` : "—";
  }
  return routes.map((r) => `${r.traffic_percentage}% ${r.served_entity_name}`).join(" / ");
}

/** The endpoint's task, from the endpoint or its first entity (older shapes omit the former). */
export function taskOf(e: Endpoint): string {
  return e.task ?? e.config?.served_entities?.[0]?.external_model?.task ?? "—";
}

const TASK_LABELS: Record<string, string> = { "llm/v1/chat": "Chat", "llm/v1/completions": "Completions", "llm/v1/embeddings": "Embeddings" };

/** "Chat" for `llm/v1/chat`, as the Databricks UI names tasks; unknown tasks as they are. */
export function taskLabel(task: string): string {
  return TASK_LABELS[task] ?? task;
}

export type StateTone = "ready" | "bad" | "warn";

/** The badge of an endpoint: ready, updating (a config change in flight) or not ready. */
export function stateOf(e: Endpoint): { label: string; tone: StateTone; detail?: string } {
  const update = e.state?.config_update;
  if (update === "IN_PROGRESS") return { label: "Updating", tone: "warn", detail: "A configuration update is in progress." };
  if (e.state?.ready === "READY") {
    if (update === "UPDATE_FAILED") return { label: "Ready", tone: "warn", detail: "The last configuration update failed; the previous one is serving." };
    return { label: "Ready", tone: "ready" };
  }
  return { label: "Not ready", tone: "bad", detail: update === "UPDATE_FAILED" ? "The configuration update failed." : undefined };
}

/** True when the search text appears in the name, a provider or a model (case-insensitive). */
export function matches(e: Endpoint, q: string): boolean {
  const needle = q.trim().toLowerCase();
  if (!needle) return true;
  const hay = [e.name, ...(e.config?.served_entities ?? []).flatMap((s) => [s.name, s.external_model?.provider ?? "", s.external_model?.name ?? ""])];
  return hay.some((h) => h.toLowerCase().includes(needle));
}

export type SortKey = "name" | "state" | "task" | "models" | "updated" | "creator";
export type SortDir = "asc" | "desc";

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

function keyOf(e: Endpoint, k: SortKey): string | number {
  switch (k) {
    case "name":
      return e.name;
    case "state":
      return stateOf(e).label;
    case "task":
      return taskOf(e);
    case "models":
      return servedModels(e).join(", ");
    case "updated":
      return e.last_updated_timestamp ?? 0;
    case "creator":
      return e.creator ?? "";
  }
}

/** A sorted copy; ties fall back to the name so the order never jumps between loads. */
export function sortEndpoints(list: readonly Endpoint[], k: SortKey, dir: SortDir): Endpoint[] {
  const sign = dir === "asc" ? 1 : -1;
  return [...list].sort((a, b) => {
    const x = keyOf(a, k);
    const y = keyOf(b, k);
    const c = typeof x === "number" && typeof y === "number" ? x - y : collator.compare(String(x), String(y));
    return c !== 0 ? sign * c : collator.compare(a.name, b.name);
  });
}

export const SORT_KEYS: readonly SortKey[] = ["name", "state", "task", "models", "updated", "creator"];

/** Reads `?sort=updated:desc`; anything else is the default (newest update first). */
export function parseSort(v: string | null): { key: SortKey; dir: SortDir } {
  const [k, d] = (v ?? "").split(":");
  const key = SORT_KEYS.find((s) => s === k);
  if (!key) return { key: "updated", dir: "desc" };
  return { key, dir: d === "desc" ? "desc" : "asc" };
}
