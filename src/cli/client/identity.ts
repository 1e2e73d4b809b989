/**
 * Identity commands: users, groups, service principals (with their OAuth secrets), tokens,
 * endpoint permissions. (`tessera secrets acls …` lives with the secrets commands.)
 */
import type { CommandIO } from "./io.js";
import type { Sub } from "./identity-kit.js";
import { permissionsCommand } from "./permissions-cli.js";
import { PRINCIPAL_COMMANDS } from "./principals-cli.js";
import { tokensCommand } from "./tokens-cli.js";

export { IDENTITY_USAGE_LINES } from "./identity-usage.js";

const COMMANDS: Record<string, Sub> = { ...PRINCIPAL_COMMANDS, tokens: tokensCommand, permissions: permissionsCommand };

/** Top-level commands this module answers. */
export const IDENTITY_COMMANDS: string[] = Object.keys(COMMANDS);

export async function runIdentityCommand(command: string, args: string[], io: CommandIO): Promise<number> {
  const run = COMMANDS[command];
  return run ? run(args, io) : 2;
}
