/** `tessera endpoints …`: list, get, create, update-config and delete serving endpoints. */

import { connect, expectPositionals, parseCommand, readObjectInput } from "./args.js";
import { UsageError } from "./errors.js";
import type { CommandIO } from "./io.js";
import { arrayField, isRecord, prettyJson, recordField, stringField } from "./json.js";
import { formatTimestamp, renderTable } from "./table.js";
import { ENDPOINTS_HINT, ENDPOINTS_USAGE } from "./usage.js";

const BASE = "/api/2.0/serving-endpoints";

type Subcommand = (args: string[], io: CommandIO) => Promise<number>;

const SUBCOMMANDS: Record<string, Subcommand> = {
  list,
  get,
  create,
  "update-config": updateConfig,
  delete: remove,
};

export function endpointsSubcommand(name: string): Subcommand | undefined {
  return Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
}

export const ENDPOINTS_SUBCOMMANDS = Object.keys(SUBCOMMANDS);

function endpointPath(name: string): string {
  return `${BASE}/${encodeURIComponent(name)}`;
}

async function list(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(args, { json: { type: "boolean" } }, ENDPOINTS_HINT);
  if (values.help) return help(io);
  expectPositionals(positionals, [], ENDPOINTS_HINT);
  const client = connect(values, io);
  const reply = await client.json("GET", BASE);
  if (values.json) {
    io.out(prettyJson(reply));
    return 0;
  }
  const endpoints = arrayField(reply, "endpoints").filter(isRecord);
  if (endpoints.length === 0) {
    io.out("No serving endpoints.\n");
    return 0;
  }
  const rows = endpoints.map((e) => [
    stringField(e, "name") ?? "-",
    stateSummary(e),
    stringField(e, "task") ?? "-",
    entitiesSummary(e),
    formatTimestamp(e["last_updated_timestamp"] ?? e["creation_timestamp"]),
  ]);
  io.out(renderTable(["NAME", "STATE", "TASK", "ENTITIES", "UPDATED"], rows));
  return 0;
}

/** `READY`, or `NOT_READY (UPDATE_IN_PROGRESS)` while a config update runs. */
function stateSummary(endpoint: unknown): string {
  const state = recordField(endpoint, "state");
  const ready = stringField(state, "ready") ?? "-";
  const update = stringField(state, "config_update");
  return update && update !== "NOT_UPDATING" ? `${ready} (${update})` : ready;
}

/** `provider/model` of each served entity, comma-separated. */
function entitiesSummary(endpoint: unknown): string {
  const config = recordField(endpoint, "config");
  const entities = [...arrayField(config, "served_entities"), ...arrayField(config, "served_models")];
  const names = entities.map((entity) => {
    const external = recordField(entity, "external_model");
    if (external) {
      const provider = stringField(external, "provider") ?? "?";
      const model = stringField(external, "name") ?? "?";
      return `${provider}/${model}`;
    }
    return (
      stringField(entity, "entity_name") ?? stringField(entity, "model_name") ?? stringField(entity, "name") ?? "?"
    );
  });
  return names.length > 0 ? names.join(", ") : "-";
}

async function get(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(args, { json: { type: "boolean" } }, ENDPOINTS_HINT);
  if (values.help) return help(io);
  const [name = ""] = expectPositionals(positionals, ["name"], ENDPOINTS_HINT);
  const client = connect(values, io);
  io.out(prettyJson(await client.json("GET", endpointPath(name))));
  return 0;
}

async function create(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { file: { type: "string", short: "f" }, json: { type: "boolean" } },
    ENDPOINTS_HINT,
  );
  if (values.help) return help(io);
  expectPositionals(positionals, [], ENDPOINTS_HINT);
  if (values.file === undefined) throw new UsageError("endpoints create needs -f <file>", ENDPOINTS_HINT);
  const client = connect(values, io);
  const body = await readObjectInput(values.file, io);
  io.out(prettyJson(await client.json("POST", BASE, body)));
  return 0;
}

async function updateConfig(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { file: { type: "string", short: "f" }, json: { type: "boolean" } },
    ENDPOINTS_HINT,
  );
  if (values.help) return help(io);
  const [name = ""] = expectPositionals(positionals, ["name"], ENDPOINTS_HINT);
  if (values.file === undefined) throw new UsageError("endpoints update-config needs -f <file>", ENDPOINTS_HINT);
  const client = connect(values, io);
  const body = await readObjectInput(values.file, io);
  io.out(prettyJson(await client.json("PUT", `${endpointPath(name)}/config`, body)));
  return 0;
}

async function remove(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(args, { json: { type: "boolean" } }, ENDPOINTS_HINT);
  if (values.help) return help(io);
  const [name = ""] = expectPositionals(positionals, ["name"], ENDPOINTS_HINT);
  const client = connect(values, io);
  const reply = await client.json("DELETE", endpointPath(name));
  io.out(values.json ? prettyJson(reply) : `Deleted endpoint ${name}\n`);
  return 0;
}

function help(io: CommandIO): number {
  io.out(ENDPOINTS_USAGE);
  return 0;
}
