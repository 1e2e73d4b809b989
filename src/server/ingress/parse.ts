/**
 * Reading an ingress body with its zod schema: the value typed, or a 400 that names the
 * first field at fault in the ingress's own terms (`messages[0].content[1].source`), which
 * each route family then renders in its own error shape.
 */
import type { z } from "zod";
import { errors } from "../../gateway/errors.js";

/** `a.b[0].c` for a zod issue path. */
export function pathText(path: readonly PropertyKey[]): string {
  let out = "";
  for (const k of path) out += typeof k === "number" ? `[${k}]` : out === "" ? String(k) : `.${String(k)}`;
  return out;
}

/** The parsed value, or a 400 naming the field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw errors.malformed("The request body must be a JSON object.");
  return parseAt(schema, body, []);
}

/** A value at a field of the body (`at`), parsed with its schema; a 400 naming the field at fault. */
export function parseAt<S extends z.ZodType>(schema: S, value: unknown, at: readonly PropertyKey[]): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = pathText([...at, ...(issue?.path ?? [])]);
  const message = issue?.message ?? "Invalid input";
  if (!field) throw errors.badRequest(message);
  throw errors.invalidParameter(field, `'${field}': ${message}`);
}

/** A 400 for a feature of the ingress format that the translated path has no equivalent for. */
export function unsupported(field: string, what: string): Error {
  return errors.invalidParameter(field, `'${field}' (${what}) has no equivalent in the gateway's canonical form, so it cannot be translated for this endpoint.`);
}

/**
 * The features of a request that the canonical form cannot carry, noted while decoding
 * (the decoder leaves them out) rather than thrown at once: a pass-through entity takes
 * the request as it came, and only an entity that needs the translation refuses it, with
 * the first one noted (gateway/pipeline.ts `NativeInput.untranslatable`).
 */
export class Untranslatable {
  first: Error | undefined;

  note(field: string, what: string): void {
    this.first ??= unsupported(field, what);
  }

  /** Throws the first noted refusal (for answers that have no pass-through). */
  throwIfAny(): void {
    if (this.first) throw this.first;
  }
}
