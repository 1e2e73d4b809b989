/**
 * How Anthropic checks its versioned client tools (computer use, text editor, bash), shared
 * by the Anthropic mock (tools in the Messages body, betas in the `anthropic-beta` header)
 * and the Bedrock mock (both inside Converse's `additionalModelRequestFields`). The table is
 * the mock's own reading of Anthropic's docs, written apart from the adapter's on purpose.
 */
type Obj = Record<string, unknown>;

interface Spec {
  name: string;
  beta?: string;
  display?: boolean;
}

const SPECS: Record<string, Spec> = {
  computer_20241022: { name: "computer", beta: "computer-use-2024-10-22", display: true },
  computer_20250124: { name: "computer", beta: "computer-use-2025-01-24", display: true },
  computer_20251124: { name: "computer", beta: "computer-use-2025-11-24", display: true },
  text_editor_20241022: { name: "str_replace_editor", beta: "computer-use-2024-10-22" },
  text_editor_20250124: { name: "str_replace_editor" },
  text_editor_20250429: { name: "str_replace_based_edit_tool" },
  text_editor_20250728: { name: "str_replace_based_edit_tool" },
  bash_20241022: { name: "bash", beta: "computer-use-2024-10-22" },
  bash_20250124: { name: "bash" },
};

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** Whether a tool definition is one of Anthropic's versioned client tools (by its type). */
export function isClientTool(t: unknown): boolean {
  return isObj(t) && typeof t["type"] === "string" && /^(computer|text_editor|bash)_\d{8}$/.test(t["type"]);
}

/**
 * The error message for a client tool Anthropic would refuse (unknown version, wrong name,
 * missing display size, or the beta it needs not enabled), or undefined when it is fine.
 */
export function checkClientTool(t: Obj, path: string, betas: readonly string[]): string | undefined {
  const type = String(t["type"]);
  const spec = SPECS[type];
  if (!spec) return `${path}.type: Input tag '${type}' found using 'type' does not match any of the expected tags`;
  if (t["name"] !== spec.name) return `${path}.name: Input should be '${spec.name}'`;
  if (spec.display) {
    for (const k of ["display_width_px", "display_height_px"]) {
      const v = t[k];
      if (typeof v !== "number" || !Number.isInteger(v) || v < 1) return `${path}.${k}: Field required`;
    }
  }
  if (spec.beta && !betas.includes(spec.beta)) return `${path}: tool type '${type}' requires the beta '${spec.beta}' (anthropic-beta)`;
  return undefined;
}
