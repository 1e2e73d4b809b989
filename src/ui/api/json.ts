/** Reading JSON of unknown shape. Pure, so Node tests can load the modules that use it. */
import type { JsonObject } from "./types.js";

/** A JSON object (not null, not an array). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
