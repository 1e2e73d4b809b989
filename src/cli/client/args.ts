/**
 * Command-line parsing shared by the client commands: the global options (`--host`,
 * `--token`, `--help`), the host URL, and reading JSON/YAML request bodies from files.
 */

import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { CliError, UsageError } from "./errors.js";
import { GatewayClient } from "./http.js";
import type { CommandIO } from "./io.js";
import { isRecord, type JsonRecord } from "./json.js";

export const DEFAULT_HOST = "http://127.0.0.1:8080";

/** Options every client command accepts; spread into each command's own option table. */
export const GLOBAL_OPTIONS = {
  host: { type: "string" },
  token: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Runs `parseArgs`, turning its errors into usage errors (exit code 2). */
export function parseOrUsage<R>(usage: string, parse: () => R): R {
  try {
    return parse();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // Node appends advice about `--` to unknown-option errors; the first sentence is enough.
    const cut = message.indexOf(". To specify a positional argument");
    throw new UsageError(cut > 0 ? `${message.slice(0, cut)}.` : message, usage);
  }
}

/** Parses `args` with the global options plus `options`, positionals allowed, strict. */
export function parseCommand<const O extends Record<string, { type: "string" | "boolean"; short?: string }>>(
  args: string[],
  options: O,
  usage: string,
) {
  return parseOrUsage(usage, () =>
    parseArgs({ args, options: { ...GLOBAL_OPTIONS, ...options }, allowPositionals: true, strict: true }),
  );
}

/** Checks the number of positionals and returns them. */
export function expectPositionals(
  positionals: string[],
  names: string[],
  usage: string,
  optional = 0,
): string[] {
  const min = names.length - optional;
  if (positionals.length < min) {
    const missing = names.slice(positionals.length).map((n) => `<${n}>`).join(" ");
    throw new UsageError(`missing argument ${missing}`, usage);
  }
  if (positionals.length > names.length) {
    throw new UsageError(`unexpected argument '${positionals[names.length] ?? ""}'`, usage);
  }
  return positionals;
}

/**
 * Normalizes `--host`: a missing scheme means `http://`; only http(s) is accepted,
 * credentials in the URL are refused (the token goes in `--token`), and a trailing slash
 * is dropped so that paths can be appended.
 */
export function normalizeHost(raw: string): string {
  const trimmed = raw.trim();
  if (trimmed === "") throw new UsageError("--host is empty");
  const withScheme = hasScheme(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`--host '${trimmed}' is not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`--host must be an http:// or https:// URL, got '${url.protocol}'`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new UsageError("--host must not contain credentials; pass the token with --token or TESSERA_TOKEN");
  }
  if (url.search !== "" || url.hash !== "") {
    throw new UsageError("--host must not contain a query string or fragment");
  }
  let base = `${url.protocol}//${url.host}${url.pathname}`;
  while (base.endsWith("/")) base = base.slice(0, -1);
  return base;
}

/** True when `s` starts with `scheme://` (letters, digits, `+.-`, starting with a letter). */
function hasScheme(s: string): boolean {
  const sep = s.indexOf("://");
  if (sep <= 0) return false;
  const scheme = s.slice(0, sep);
  const first = scheme.charCodeAt(0);
  const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  if (!isLetter(first)) return false;
  for (let i = 1; i < scheme.length; i++) {
    const c = scheme.charCodeAt(i);
    if (!(isLetter(c) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) return false;
  }
  return true;
}

/** Builds the client from `--host`/`--token` or TESSERA_HOST/TESSERA_TOKEN; the token is required. */
export function connect(values: { host?: string | undefined; token?: string | undefined }, io: CommandIO): GatewayClient {
  const host = normalizeHost(values.host ?? nonEmpty(io.env["TESSERA_HOST"]) ?? DEFAULT_HOST);
  const token = (values.token ?? io.env["TESSERA_TOKEN"] ?? "").trim();
  if (token === "") throw new UsageError("no API token: pass --token <token> or set TESSERA_TOKEN");
  io.addSensitive(token);
  return new GatewayClient(host, token);
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s.trim() === "" ? undefined : s;
}

/** Reads a text file, or standard input for `-`. */
export async function readTextInput(path: string, io: CommandIO): Promise<string> {
  if (path === "-") return io.readStdin();
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Reads a JSON object from a file (`.yaml`/`.yml` files are parsed as YAML) or from
 * standard input (`-`: JSON, or YAML when it is not JSON).
 */
export async function readObjectInput(path: string, io: CommandIO): Promise<JsonRecord> {
  const text = await readTextInput(path, io);
  const label = path === "-" ? "standard input" : path;
  const lower = path.toLowerCase();
  const yaml = lower.endsWith(".yaml") || lower.endsWith(".yml");
  let value: unknown;
  try {
    if (yaml) value = parseYaml(text) as unknown;
    else if (path === "-") value = parseJsonOrYaml(text);
    else value = JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliError(`cannot parse ${label}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isRecord(value)) throw new CliError(`${label} must hold a JSON object`);
  return value;
}

function parseJsonOrYaml(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return parseYaml(text) as unknown;
  }
}

/** Parses a JSON object given on the command line (`--json '{…}'`). */
export function parseObjectArg(text: string, option: string): JsonRecord {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliError(`${option} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isRecord(value)) throw new CliError(`${option} must be a JSON object`);
  return value;
}
