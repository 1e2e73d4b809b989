/**
 * The declarative config file (`tessera serve --config tessera.yaml`), applied at every
 * start, idempotently — like MLflow's gateway config, in Databricks shapes:
 *
 * ```yaml
 * secrets:
 *   - scope: providers
 *     key: openai
 *     value: ${OPENAI_API_KEY}     # taken from the environment, never written in the file
 * endpoints:
 *   - name: chat
 *     config:
 *       served_entities:
 *         - external_model:
 *             name: gpt-4o-mini
 *             provider: openai
 *             task: llm/v1/chat
 *             openai_config:
 *               openai_api_key: "{{secrets/providers/openai}}"
 * ```
 * `${VAR}` is replaced from the environment anywhere in the file; a missing variable is an
 * error naming it (never its value). `$${` writes a literal `${`.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { parseWith } from "./ai-gateway.js";

export const bootstrapSchema = z.strictObject({
  secrets: z
    .array(z.strictObject({ scope: z.string(), key: z.string(), value: z.string() }))
    .optional(),
  endpoints: z.array(z.looseObject({ name: z.string() })).optional(),
});

export type BootstrapFile = z.infer<typeof bootstrapSchema>;

/** Replaces `${VAR}` in every string of a parsed document. */
function substitute(value: unknown, env: NodeJS.ProcessEnv, path: string): unknown {
  if (typeof value === "string") {
    return value.replace(/\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, escaped: string | undefined, name: string) => {
      if (escaped) return whole.slice(1);
      const v = env[name];
      if (v === undefined) throw new Error(`${path}: environment variable ${name} is not set.`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, env, `${path}[${i}]`));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, env, path ? `${path}.${k}` : k)]));
  }
  return value;
}

export function loadBootstrapFile(path: string, env: NodeJS.ProcessEnv = process.env): BootstrapFile {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`Cannot read config file ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return parseWith(bootstrapSchema, substitute(doc ?? {}, env, ""), "");
  } catch (err) {
    throw new Error(`Config file ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
