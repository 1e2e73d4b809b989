/**
 * Which error keys the edit form shows next to a control. A key the form has no place for
 * (the task, which is fixed on edit; the entity list; a field of a provider block the form
 * does not render) is shown in full above the form instead, so no error is ever lost.
 */
import type { ProviderInfo } from "../../../api/providers";
import { maskPlaintext as maskWith, visibleFields, type EndpointFormState } from "../form";

const ENTITY_PART = /^entities\.(\d+)(?:\.(provider|model|name|config))?$/;
const CONFIG_FIELD = /^entities\.(\d+)\.config\.(.+)$/;

export function isPlaced(key: string, state: EndpointFormState, providers: readonly ProviderInfo[]): boolean {
  if (key === "traffic") return state.entities.length > 1;
  const part = ENTITY_PART.exec(key);
  if (part) return Number(part[1]) < state.entities.length;
  const field = CONFIG_FIELD.exec(key);
  if (!field) return false;
  const entity = state.entities[Number(field[1])];
  const provider = providers.find((p) => p.name === entity?.provider);
  return Boolean(entity && provider && visibleFields(provider, entity.values).some((f) => f.path === field[2]));
}

/** The body shown in "JSON it will send", with any value typed into a plaintext field masked. */
export function maskPlaintext(v: unknown): unknown {
  return maskWith(v, () => "•••••• (write-only)");
}
