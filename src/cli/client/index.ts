/**
 * Entry point of the client half of the `tessera` CLI: commands that talk to a running
 * gateway over its Databricks-compatible REST API.
 *
 * Exit codes: 0 success, 1 failure (gateway error reply, unreachable gateway, bad input
 * file), 2 invalid command line (unknown command/option, missing argument or token).
 */

import { endpointsSubcommand, ENDPOINTS_SUBCOMMANDS } from "./endpoints.js";
import { CliError, UsageError } from "./errors.js";
import { resolveIO, type ClientIO, type CommandIO } from "./io.js";
import { runQuery } from "./query.js";
import { runSql } from "../sql/run.js";
import { secretsSubcommand, SECRETS_SUBCOMMANDS } from "./secrets.js";
import { IDENTITY_COMMANDS, runIdentityCommand } from "./identity.js";
import { OBSERVABILITY_COMMANDS, runObservabilityCommand } from "./observability.js";
import { CLIENT_USAGE, ENDPOINTS_USAGE, SECRETS_USAGE } from "./usage.js";

export { CLIENT_USAGE } from "./usage.js";
export type { ClientIO } from "./io.js";

export const CLIENT_COMMANDS: string[] = ["endpoints", "secrets", "query", "sql", ...IDENTITY_COMMANDS, ...OBSERVABILITY_COMMANDS];

/**
 * Runs `argv` (e.g. `["endpoints", "list", "--host", "http://127.0.0.1:8080"]`) and
 * resolves to the exit code. Never throws for user or gateway errors: they are printed
 * to `io.stderr`. `io.stdout`/`io.stderr` receive raw strings that carry their own newlines.
 */
export async function runClientCommand(argv: string[], io?: ClientIO): Promise<number> {
  const cio = resolveIO(io);
  try {
    return await dispatch(argv, cio);
  } catch (err) {
    if (err instanceof CliError) {
      cio.err(`Error: ${err.message}\n`);
      if (err instanceof UsageError && err.usage !== undefined) cio.err(err.usage);
      return err.exitCode;
    }
    cio.err(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

function isHelp(arg: string | undefined): boolean {
  return arg === "--help" || arg === "-h" || arg === "help";
}

async function dispatch(argv: string[], io: CommandIO): Promise<number> {
  const [command, ...rest] = argv;
  if (isHelp(command)) {
    io.out(CLIENT_USAGE);
    return 0;
  }
  if (command !== undefined && IDENTITY_COMMANDS.includes(command)) return runIdentityCommand(command, rest, io);
  if (command !== undefined && OBSERVABILITY_COMMANDS.includes(command)) return runObservabilityCommand(command, rest, io);
  switch (command) {
    case "query":
      return runQuery(rest, io);
    case "sql":
      return runSql(rest, io);
    case "endpoints":
      return runGroup("endpoints", rest, io, endpointsSubcommand, ENDPOINTS_SUBCOMMANDS, ENDPOINTS_USAGE);
    case "secrets":
      return runGroup("secrets", rest, io, secretsSubcommand, SECRETS_SUBCOMMANDS, SECRETS_USAGE);
    case undefined:
      throw new UsageError(`missing command (one of: ${CLIENT_COMMANDS.join(", ")})`, CLIENT_USAGE);
    default:
      throw new UsageError(`unknown command '${command}' (one of: ${CLIENT_COMMANDS.join(", ")})`, CLIENT_USAGE);
  }
}

async function runGroup(
  group: string,
  args: string[],
  io: CommandIO,
  lookup: (name: string) => ((args: string[], io: CommandIO) => Promise<number>) | undefined,
  names: string[],
  usage: string,
): Promise<number> {
  const [sub, ...rest] = args;
  if (isHelp(sub)) {
    io.out(usage);
    return 0;
  }
  if (sub === undefined || sub.startsWith("-")) {
    if (args.includes("--help") || args.includes("-h")) {
      io.out(usage);
      return 0;
    }
    throw new UsageError(`missing ${group} subcommand (one of: ${names.join(", ")})`, usage);
  }
  const run = lookup(sub);
  if (!run) throw new UsageError(`unknown ${group} subcommand '${sub}' (one of: ${names.join(", ")})`, usage);
  return run(rest, io);
}
