/**
 * Identity commands: users, groups, service principals, tokens, permissions. (Filled in by
 * the identity work.)
 */
import type { CommandIO } from "./io.js";

/** Top-level commands this module answers. */
export const IDENTITY_COMMANDS: string[] = [];

/** One line per command, for the client usage text. */
export const IDENTITY_USAGE_LINES = "";

export async function runIdentityCommand(_command: string, _args: string[], _io: CommandIO): Promise<number> {
  return 2;
}
