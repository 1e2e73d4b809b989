/** `tessera secrets …`: scopes and secrets. A secret value is never printed. */

import { connect, expectPositionals, parseCommand, readTextInput } from "./args.js";
import { ApiError, CliError, UsageError } from "./errors.js";
import type { GatewayClient } from "./http.js";
import type { CommandIO } from "./io.js";
import { arrayField, isRecord, prettyJson, stringField } from "./json.js";
import { formatTimestamp, renderTable } from "./table.js";
import { SECRETS_HINT, SECRETS_USAGE } from "./usage.js";
import { secretAclsCommand } from "./secret-acls-cli.js";

const BASE = "/api/2.0/secrets";

type Subcommand = (args: string[], io: CommandIO) => Promise<number>;

const SUBCOMMANDS: Record<string, Subcommand> = {
  "create-scope": createScope,
  put,
  list,
  delete: remove,
  "delete-scope": deleteScope,
  acls: secretAclsCommand,
};

export function secretsSubcommand(name: string): Subcommand | undefined {
  return Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
}

export const SECRETS_SUBCOMMANDS = Object.keys(SUBCOMMANDS);

const JSON_FLAG = { json: { type: "boolean" } } as const;

async function createScope(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(args, JSON_FLAG, SECRETS_HINT);
  if (values.help) return help(io);
  const [scope = ""] = expectPositionals(positionals, ["scope"], SECRETS_HINT);
  const client = connect(values, io);
  const reply = await client.json("POST", `${BASE}/scopes/create`, { scope });
  io.out(values.json ? prettyJson(reply) : `Created scope ${scope}\n`);
  return 0;
}

async function put(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { value: { type: "string" }, "value-file": { type: "string" }, ...JSON_FLAG },
    SECRETS_HINT,
  );
  if (values.help) return help(io);
  const [scope = "", key = ""] = expectPositionals(positionals, ["scope", "key"], SECRETS_HINT);
  if (values.value !== undefined && values["value-file"] !== undefined) {
    throw new UsageError("pass either --value or --value-file, not both", SECRETS_HINT);
  }
  const client = connect(values, io);
  const value = await readSecretValue(values.value, values["value-file"], io);
  io.addSensitive(value);

  await ensureScope(client, scope);
  const reply = await client.json("POST", `${BASE}/put`, { scope, key, string_value: value });
  io.out(values.json ? prettyJson(reply) : `Stored secret ${key} in scope ${scope}\n`);
  return 0;
}

/** The value from `--value`, `--value-file` or standard input; one trailing newline is dropped from the last two. */
async function readSecretValue(
  inline: string | undefined,
  file: string | undefined,
  io: CommandIO,
): Promise<string> {
  let value: string;
  if (inline !== undefined) {
    value = inline;
  } else {
    if (file === undefined && io.stdinIsTTY) {
      io.err("Enter the secret value, then press Enter and Ctrl-D:\n");
    }
    value = stripOneNewline(await readTextInput(file ?? "-", io));
  }
  if (value === "") throw new CliError("the secret value is empty");
  return value;
}

function stripOneNewline(s: string): string {
  if (s.endsWith("\r\n")) return s.slice(0, -2);
  if (s.endsWith("\n")) return s.slice(0, -1);
  return s;
}

/** Creates the scope; one that already exists is fine. */
async function ensureScope(client: GatewayClient, scope: string): Promise<void> {
  try {
    await client.json("POST", `${BASE}/scopes/create`, { scope });
  } catch (err) {
    if (err instanceof ApiError && (err.status === 409 || err.errorCode === "RESOURCE_ALREADY_EXISTS")) return;
    throw err;
  }
}

async function list(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(args, JSON_FLAG, SECRETS_HINT);
  if (values.help) return help(io);
  const [scope] = expectPositionals(positionals, ["scope"], SECRETS_HINT, 1);
  const client = connect(values, io);

  if (scope === undefined) {
    const reply = await client.json("GET", `${BASE}/scopes/list`);
    if (values.json) {
      io.out(prettyJson(reply));
      return 0;
    }
    const scopes = arrayField(reply, "scopes").filter(isRecord);
    if (scopes.length === 0) {
      io.out("No secret scopes.\n");
      return 0;
    }
    const rows = scopes.map((s) => [stringField(s, "name") ?? "-", stringField(s, "backend_type") ?? "-"]);
    io.out(renderTable(["SCOPE", "BACKEND"], rows));
    return 0;
  }

  const reply = await client.json("GET", `${BASE}/list?${new URLSearchParams({ scope }).toString()}`);
  if (values.json) {
    io.out(prettyJson(reply));
    return 0;
  }
  const secrets = arrayField(reply, "secrets").filter(isRecord);
  if (secrets.length === 0) {
    io.out(`No secrets in scope ${scope}.\n`);
    return 0;
  }
  const rows = secrets.map((s) => [stringField(s, "key") ?? "-", formatTimestamp(s["last_updated_timestamp"])]);
  io.out(renderTable(["KEY", "UPDATED"], rows));
  return 0;
}

async function remove(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(args, JSON_FLAG, SECRETS_HINT);
  if (values.help) return help(io);
  const [scope = "", key = ""] = expectPositionals(positionals, ["scope", "key"], SECRETS_HINT);
  const client = connect(values, io);
  const reply = await client.json("POST", `${BASE}/delete`, { scope, key });
  io.out(values.json ? prettyJson(reply) : `Deleted secret ${key} from scope ${scope}\n`);
  return 0;
}

async function deleteScope(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(args, JSON_FLAG, SECRETS_HINT);
  if (values.help) return help(io);
  const [scope = ""] = expectPositionals(positionals, ["scope"], SECRETS_HINT);
  const client = connect(values, io);
  const reply = await client.json("POST", `${BASE}/scopes/delete`, { scope });
  io.out(values.json ? prettyJson(reply) : `Deleted scope ${scope}\n`);
  return 0;
}

function help(io: CommandIO): number {
  io.out(SECRETS_USAGE);
  return 0;
}
