/**
 * Anthropic's versioned client tools (computer use, the text editor, bash) as a chat
 * request may carry them beside function tools:
 * `{"type":"computer_20250124","name":"computer","display_width_px":1024,"display_height_px":768}`.
 *
 * They are "client" tools: the model asks for an action (`tool_use` with the action as
 * input), the caller performs it and sends the outcome back as a tool result (a
 * screenshot for the computer). Claude on Anthropic's API and on Amazon Bedrock takes them
 * as they are, each version with the `anthropic-beta` value it was released under (the
 * pairing below follows the official SDK's `BetaToolUnion` and `AnthropicBeta`); the tools
 * that became generally available (text editor and bash from 2025-01-24 on) need none.
 * Other providers have no such tools: they answer a 400 naming the tool type
 * (`refuseClientTools`).
 */
import { errors } from "../../gateway/errors.js";
import type { JsonObject } from "../../gateway/types.js";

interface ClientToolKind {
  /** The only name Anthropic accepts for this version. */
  name: string;
  /** The `anthropic-beta` value the version needs, when it is still in beta. */
  beta: string | undefined;
  /** Computer tools must say the display's size. */
  display: boolean;
}

const KINDS: Readonly<Record<string, ClientToolKind>> = {
  computer_20241022: { name: "computer", beta: "computer-use-2024-10-22", display: true },
  computer_20250124: { name: "computer", beta: "computer-use-2025-01-24", display: true },
  computer_20251124: { name: "computer", beta: "computer-use-2025-11-24", display: true },
  text_editor_20241022: { name: "str_replace_editor", beta: "computer-use-2024-10-22", display: false },
  text_editor_20250124: { name: "str_replace_editor", beta: undefined, display: false },
  text_editor_20250429: { name: "str_replace_based_edit_tool", beta: undefined, display: false },
  text_editor_20250728: { name: "str_replace_based_edit_tool", beta: undefined, display: false },
  bash_20241022: { name: "bash", beta: "computer-use-2024-10-22", display: false },
  bash_20250124: { name: "bash", beta: undefined, display: false },
};

/** A type that looks like one of Anthropic's versioned tools (`<kind>_<yyyymmdd>`), known or not. */
const VERSIONED = /^(computer|text_editor|bash)_\d{8}$/;

/** The tool types Tessera passes to Claude, for documentation and messages. */
export const CLIENT_TOOL_TYPES: readonly string[] = Object.keys(KINDS);

/** One client tool of a request, checked, in Anthropic's shape. */
export interface ClientTool {
  /** Its position in the request's `tools`. */
  index: number;
  type: string;
  name: string;
  /** The tool definition as Anthropic takes it. */
  definition: JsonObject;
  beta: string | undefined;
}

/** The request's tools split into function tools (left for the caller to read) and client tools. */
export interface SplitTools {
  /** `tools` less the client tools, or undefined when the request had no `tools`. */
  functions: unknown[] | undefined;
  client: ClientTool[];
}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function positiveInt(tool: JsonObject, key: string, at: string): number {
  const v = tool[key];
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw errors.invalidParameter(`${at}.${key}`, `'${at}.${key}' must be a positive integer.`);
  return v;
}

function clientTool(tool: JsonObject, index: number, provider: string): ClientTool {
  const at = `tools[${index}]`;
  const type = tool["type"] as string;
  const kind = KINDS[type];
  if (!kind) {
    throw errors.invalidParameter(`${at}.type`, `'${at}.type' is '${type}', which ${provider} does not take through Tessera; use one of ${CLIENT_TOOL_TYPES.join(", ")}.`);
  }
  if (tool["name"] !== kind.name) throw errors.invalidParameter(`${at}.name`, `'${at}.name' must be "${kind.name}" for a ${type} tool.`);
  const definition: JsonObject = { ...tool };
  if (kind.display) {
    positiveInt(tool, "display_width_px", at);
    positiveInt(tool, "display_height_px", at);
    const n = tool["display_number"];
    if (n !== undefined && n !== null && (typeof n !== "number" || !Number.isInteger(n) || n < 0)) {
      throw errors.invalidParameter(`${at}.display_number`, `'${at}.display_number' must be a non-negative integer.`);
    }
  }
  return { index, type, name: kind.name, definition, beta: kind.beta };
}

/**
 * Takes Anthropic's client tools out of `tools`; function tools (and anything else) stay
 * for the adapter's own reader. Two tools of the same name are refused: Claude would.
 *
 * @example
 *   splitClientTools([{ type: "computer_20250124", name: "computer", display_width_px: 1024, display_height_px: 768 }], "Anthropic")
 *   // → { functions: [], client: [{ index: 0, type: "computer_20250124", name: "computer", definition: {…}, beta: "computer-use-2025-01-24" }] }
 */
export function splitClientTools(tools: unknown, provider: string): SplitTools {
  if (!Array.isArray(tools)) return { functions: tools === undefined || tools === null ? undefined : (tools as unknown[]), client: [] };
  const functions: unknown[] = [];
  const client: ClientTool[] = [];
  tools.forEach((t: unknown, i) => {
    if (isObject(t) && typeof t["type"] === "string" && t["type"] !== "function" && VERSIONED.test(t["type"])) client.push(clientTool(t, i, provider));
    else functions.push(t);
  });
  const names = new Set<string>();
  for (const c of client) {
    if (names.has(c.name)) throw errors.invalidParameter(`tools[${c.index}]`, `'tools' holds two '${c.name}' tools; give one.`);
    names.add(c.name);
  }
  return { functions, client };
}

/** The `anthropic-beta` values the client tools need, each once, in order of first use. */
export function clientToolBetas(tools: readonly ClientTool[]): string[] {
  const out: string[] = [];
  for (const t of tools) if (t.beta && !out.includes(t.beta)) out.push(t.beta);
  return out;
}

/**
 * A 400 naming the first client tool of a request, for a provider that has none.
 * Other non-function tool types are left to the adapter's own reader.
 */
export function refuseClientTools(tools: unknown, provider: string): void {
  if (!Array.isArray(tools)) return;
  tools.forEach((t: unknown, i) => {
    if (isObject(t) && typeof t["type"] === "string" && VERSIONED.test(t["type"])) {
      throw errors.invalidParameter(
        `tools[${i}].type`,
        `'tools[${i}].type' is '${t["type"]}': ${provider} has no such tool (Anthropic's computer-use tools work with the anthropic provider and with amazon-bedrock for Claude).`,
      );
    }
  });
}
