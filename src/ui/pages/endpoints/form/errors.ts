/**
 * Where an API validation error belongs in the form. The server names the request field
 * at fault (`ApiError.field`, from its google.rpc.BadRequest detail); this turns it into
 * the key of the form control that shows it. Create names fields from the body
 * (`config.served_entities[0]…`, `name`); PUT …/config names them the same way, with the
 * `config.` prefix although its body is the config itself, so both spellings are read.
 * Pure, for the Node tests.
 *
 * Keys: `name` (endpoint name), `task`, `entities` (the list), `entities.<i>` (an entity as a
 * whole), `entities.<i>.<provider|model|name|config>`, `entities.<i>.config.<path>` (a field
 * of the provider's block; `<path>_plaintext` is the same field), `traffic`; other top-level
 * fields (`ai_gateway…`) keep their own name.
 */

export const entityKey = (i: number, part: "provider" | "model" | "name" | "config"): string => `entities.${i}.${part}`;
export const configFieldKey = (i: number, path: string): string => `entities.${i}.config.${path}`;

const ENTITY = /^(?:served_entities|served_models)\[(\d+)\](?:\.(.*))?$/;
const BLOCK = /^external_model\.([A-Za-z0-9_]+_config)(?:\.(.+))?$/;

function entityPart(i: number, rest: string | undefined): string {
  if (!rest || rest === "external_model") return `entities.${i}`;
  if (rest === "name") return entityKey(i, "name");
  if (rest === "external_model.provider") return entityKey(i, "provider");
  if (rest === "external_model.name") return entityKey(i, "model");
  if (rest === "external_model.task") return "task";
  const b = BLOCK.exec(rest);
  if (b) return b[2] ? configFieldKey(i, b[2].replace(/_plaintext$/, "")) : entityKey(i, "config");
  return `entities.${i}`;
}

/** The form key for an API error's field; undefined when the error names none. */
export function errorKey(field: string | undefined, code?: string): string | undefined {
  if (!field) return code === "RESOURCE_ALREADY_EXISTS" ? "name" : undefined;
  const f = field.replace(/^config\./, "");
  if (f === "config" || f === "served_entities" || f === "served_models") return "entities";
  const m = ENTITY.exec(f);
  if (m) return entityPart(Number(m[1]), m[2]);
  if (f === "traffic_config" || f.startsWith("traffic_config.")) return "traffic";
  return f;
}

/** The entity an error key is about, if any. */
export function entityOfKey(key: string): number | undefined {
  const m = /^entities\.(\d+)/.exec(key);
  return m ? Number(m[1]) : undefined;
}

/** The errors of one entity, keyed without their `entities.<i>.` prefix (`model`, `config.openai_api_key`…). */
export function entityErrors(errors: Readonly<Record<string, string>>, i: number): Record<string, string> {
  const prefix = `entities.${i}.`;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(errors)) {
    if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
    else if (k === `entities.${i}`) out[""] = v;
  }
  return out;
}

/**
 * The server's message without the field path it starts with (the message is shown next
 * to that field already): "config.served_entities[0]…openai_api_base must be an http(s)
 * URL." → "Must be an http(s) URL."
 */
export function errorMessage(message: string, field: string | undefined): string {
  if (!field) return message;
  for (const prefix of [`${field}_plaintext `, `${field} `, `${field.replace(/_plaintext$/, "")} `]) {
    if (message.startsWith(prefix)) {
      const rest = message.slice(prefix.length);
      return rest.charAt(0).toUpperCase() + rest.slice(1);
    }
  }
  return message;
}
