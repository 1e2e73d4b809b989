/**
 * The Create endpoint wizard's state, its steps, the request it sends, and which step
 * holds a field (client checks and API errors alike are keyed as form/errors.ts keys
 * them). Pure, for the Node tests (test/ui/create-endpoint-logic.test.ts).
 */
import { entityOfKey } from "../form/errors.js";
import { emptyEntity, toEndpointConfig, type CatalogueProvider, type EndpointFormState, type EntityState } from "../form/model.js";
import { validateEndpointName, validateEntity, validateSplit } from "../form/validate.js";

export const STEPS = ["Basics", "Served entity", "Traffic & gateway", "Review"] as const;
export type Step = 0 | 1 | 2 | 3;

export interface WizardState {
  name: string;
  description: string;
  task: string;
  first: EntityState;
  /** The optional second entity, kept while switched off so that switching back restores it. */
  second: EntityState;
  withSecond: boolean;
  /** Traffic to the first and the second entity. */
  split: [number, number];
  gateway: { usage: boolean; inference: boolean; fallbacks: boolean };
}

export function initialWizard(): WizardState {
  return {
    name: "",
    description: "",
    task: "llm/v1/chat",
    first: emptyEntity(),
    second: emptyEntity(),
    withSecond: false,
    split: [80, 20],
    gateway: { usage: false, inference: false, fallbacks: false },
  };
}

export function formState(w: WizardState): EndpointFormState {
  return w.withSecond ? { task: w.task, entities: [w.first, w.second], traffic: [...w.split] } : { task: w.task, entities: [w.first], traffic: [100] };
}

/** The POST /api/2.0/serving-endpoints body. */
export function createBody(w: WizardState, catalogue: readonly CatalogueProvider[]): Record<string, unknown> {
  const body: Record<string, unknown> = { name: w.name.trim(), config: toEndpointConfig(formState(w), catalogue) };
  if (w.description.trim()) body["description"] = w.description.trim();
  const gw: Record<string, unknown> = {};
  if (w.gateway.usage) gw["usage_tracking_config"] = { enabled: true };
  if (w.gateway.inference) gw["inference_table_config"] = { enabled: true };
  if (w.gateway.fallbacks && w.withSecond) gw["fallback_config"] = { enabled: true };
  if (Object.keys(gw).length) body["ai_gateway"] = gw;
  return body;
}

/** The step that shows the control an error key belongs to; anything unplaced is shown on the review. */
export function stepOfKey(key: string): Step {
  if (key === "name" || key === "description" || key === "task") return 0;
  const i = entityOfKey(key);
  if (i === 0 || key === "entities") return 1;
  if (i !== undefined || key === "traffic" || key.startsWith("ai_gateway")) return 2;
  return 3;
}

/** The client checks of one step, keyed as form/errors.ts keys fields. */
export function validateStep(step: Step, w: WizardState, catalogue: readonly CatalogueProvider[]): Record<string, string> {
  const find = (e: EntityState) => catalogue.find((p) => p.name === e.provider);
  switch (step) {
    case 0: {
      const problem = validateEndpointName(w.name);
      return problem ? { name: problem } : {};
    }
    case 1:
      return validateEntity(w.first, 0, find(w.first), w.task);
    case 2:
      return w.withSecond ? { ...validateEntity(w.second, 1, find(w.second), w.task), ...validateSplit([w.first, w.second], w.split) } : {};
    default:
      return {};
  }
}

/** Every step's checks, and the first step that has a problem (the review is reached only without one). */
export function validateAll(w: WizardState, catalogue: readonly CatalogueProvider[]): { errors: Record<string, string>; step: Step | undefined } {
  for (const s of [0, 1, 2] as const) {
    const errors = validateStep(s, w, catalogue);
    if (Object.keys(errors).length) return { errors, step: s };
  }
  return { errors: {}, step: undefined };
}
