/**
 * Observability commands: usage, inference-table export. (Filled in by the usage work.)
 */
import type { CommandIO } from "./io.js";

/** Top-level commands this module answers. */
export const OBSERVABILITY_COMMANDS: string[] = [];

/** One line per command, for the client usage text. */
export const OBSERVABILITY_USAGE_LINES = "";

export async function runObservabilityCommand(_command: string, _args: string[], _io: CommandIO): Promise<number> {
  return 2;
}
