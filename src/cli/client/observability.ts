/**
 * Observability commands:
 * - `tessera usage [<endpoint>]` — usage buckets of one endpoint, or of the workspace by
 *   endpoint, by requester and by bucket;
 * - `tessera inference export <endpoint>` — an endpoint's inference table as JSON lines.
 */
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { connect, expectPositionals, parseCommand } from "./args.js";
import { CliError, UsageError, networkReason } from "./errors.js";
import type { CommandIO } from "./io.js";
import { arrayField, isRecord, numberField, prettyJson, stringField, type JsonRecord } from "./json.js";
import { formatTimestamp, renderTable } from "./table.js";
import { parseTimeArg } from "./time-arg.js";

/** Top-level commands this module answers. */
export const OBSERVABILITY_COMMANDS: string[] = ["usage", "inference"];

/** One line per command, for the client usage text. */
export const OBSERVABILITY_USAGE_LINES =
  "  tessera usage [<endpoint>] [--start …] [--end …]         requests, tokens, latency\n" +
  "  tessera inference export <endpoint> [--out <file>]       inference table as JSONL\n";

const GLOBAL = `Global options (every command):
  --host <url>     gateway URL (env TESSERA_HOST, default http://127.0.0.1:8080)
  --token <token>  API token (env TESSERA_TOKEN; required)
  -h, --help       show help`;

const TIMES = `Times: now, a duration ago (30m, 2h, 7d, 1w), ms since the epoch, or ISO 8601
(2025-01-31 or 2025-01-31T12:00:00Z).`;

export const USAGE_USAGE = `Usage: tessera usage [<endpoint>] [options]

Shows requests, errors, tokens and latency percentiles per time bucket. With an endpoint:
that endpoint (needs CAN_VIEW on it). Without: every endpoint, grouped by endpoint, by
requester and by bucket (admins only).

Options:
  --start <time>         start of the range (default: 24h before --end)
  --end <time>           end of the range, exclusive (default: now)
  --granularity <g>      minute, hour (default) or day (buckets in UTC)
  --json                 print the gateway's JSON reply

${TIMES}

${GLOBAL}
`;

export const INFERENCE_USAGE = `Usage: tessera inference export <endpoint> [options]

Writes the endpoint's inference table (request and response payloads, one JSON object per
line, oldest first) to standard output or a file. Needs CAN_MANAGE on the endpoint.

Options:
  --since <time>     first request time to include (default: the beginning)
  --until <time>     end of the range, exclusive (default: now)
  -o, --out <file>   write to this file instead of standard output

${TIMES}

${GLOBAL}
`;

const USAGE_HINT = 'Run "tessera usage --help" for usage.\n';
const INFERENCE_HINT = 'Run "tessera inference --help" for usage.\n';
const BASE = "/api/2.0/serving-endpoints";

export async function runObservabilityCommand(command: string, args: string[], io: CommandIO): Promise<number> {
  if (command === "usage") return usage(args, io);
  return inference(args, io);
}

async function usage(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { start: { type: "string" }, end: { type: "string" }, granularity: { type: "string" }, json: { type: "boolean" } },
    USAGE_HINT,
  );
  if (values.help) {
    io.out(USAGE_USAGE);
    return 0;
  }
  const [endpoint] = expectPositionals(positionals, ["endpoint"], USAGE_HINT, 1);
  const now = Date.now();
  const params = new URLSearchParams();
  const end = values.end !== undefined ? parseTimeArg(values.end, "--end", USAGE_HINT, now) : undefined;
  if (values.start !== undefined) params.set("start_time", String(parseTimeArg(values.start, "--start", USAGE_HINT, now)));
  if (end !== undefined) params.set("end_time", String(end));
  if (values.granularity !== undefined) {
    if (!["minute", "hour", "day"].includes(values.granularity)) throw new UsageError("--granularity must be minute, hour or day", USAGE_HINT);
    params.set("granularity", values.granularity);
  }
  const client = connect(values, io);
  const qs = params.size ? `?${params.toString()}` : "";
  const path = endpoint === undefined ? `${BASE}/usage${qs}` : `${BASE}/${encodeURIComponent(endpoint)}/usage${qs}`;
  const reply = await client.json("GET", path);
  if (values.json) {
    io.out(prettyJson(reply));
    return 0;
  }
  const buckets = arrayField(reply, "usage").filter(isRecord);
  if (endpoint !== undefined) {
    io.out(buckets.length ? renderTable(["BUCKET", ...TOTAL_HEADERS], buckets.map((b) => [formatTimestamp(b["bucket_start_ms"]), ...totalCells(b)])) : "No requests in this range.\n");
    return 0;
  }
  const byEndpoint = arrayField(reply, "by_endpoint").filter(isRecord);
  if (byEndpoint.length === 0) {
    io.out("No requests in this range.\n");
    return 0;
  }
  const byRequester = arrayField(reply, "by_requester").filter(isRecord);
  io.out("By endpoint:\n");
  io.out(renderTable(["ENDPOINT", ...TOTAL_HEADERS], byEndpoint.map((r) => [stringField(r, "endpoint") ?? "-", ...totalCells(r)])));
  io.out("\nBy requester:\n");
  io.out(renderTable(["REQUESTER", ...TOTAL_HEADERS], byRequester.map((r) => [stringField(r, "requester") ?? "-", ...totalCells(r)])));
  io.out("\nBy time:\n");
  io.out(renderTable(["BUCKET", ...TOTAL_HEADERS], buckets.map((b) => [formatTimestamp(b["bucket_start_ms"]), ...totalCells(b)])));
  return 0;
}

const TOTAL_HEADERS = ["REQUESTS", "ERRORS", "INPUT_TOKENS", "OUTPUT_TOKENS", "CACHED", "REASONING", "P50_MS", "P99_MS", "ESTIMATED"];

function totalCells(r: JsonRecord): string[] {
  const n = (k: string) => String(numberField(r, k) ?? 0);
  return [n("requests"), n("errors"), n("input_tokens"), n("output_tokens"), n("cached_tokens"), n("reasoning_tokens"), n("p50_latency_ms"), n("p99_latency_ms"), n("estimated_requests")];
}

async function inference(args: string[], io: CommandIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
    if (sub === undefined) throw new UsageError("missing inference subcommand (one of: export)", INFERENCE_USAGE);
    io.out(INFERENCE_USAGE);
    return 0;
  }
  if (sub !== "export") throw new UsageError(`unknown inference subcommand '${sub}' (one of: export)`, INFERENCE_USAGE);
  const { values, positionals } = parseCommand(rest, { since: { type: "string" }, until: { type: "string" }, out: { type: "string", short: "o" } }, INFERENCE_HINT);
  if (values.help) {
    io.out(INFERENCE_USAGE);
    return 0;
  }
  const [endpoint = ""] = expectPositionals(positionals, ["endpoint"], INFERENCE_HINT);
  const now = Date.now();
  const params = new URLSearchParams();
  if (values.since !== undefined) params.set("start_time", String(parseTimeArg(values.since, "--since", INFERENCE_HINT, now)));
  if (values.until !== undefined) params.set("end_time", String(parseTimeArg(values.until, "--until", INFERENCE_HINT, now)));
  const client = connect(values, io);
  const qs = params.size ? `?${params.toString()}` : "";
  const res = await client.send("GET", `${BASE}/${encodeURIComponent(endpoint)}/inference-table${qs}`, undefined, "application/x-ndjson");
  const lines = values.out !== undefined ? await toFile(res, values.out) : await toStdout(res, io);
  if (values.out !== undefined) io.err(`Wrote ${lines} record${lines === 1 ? "" : "s"} to ${values.out}\n`);
  return 0;
}

async function* bodyText(res: Response): AsyncGenerator<string> {
  if (!res.body) return;
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body) yield decoder.decode(chunk, { stream: true });
  } catch (err) {
    throw new CliError(`the connection to the gateway was lost: ${networkReason(err)}`);
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

function countLines(s: string): number {
  let n = 0;
  for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", i + 1)) n++;
  return n;
}

async function toStdout(res: Response, io: CommandIO): Promise<number> {
  let n = 0;
  for await (const text of bodyText(res)) {
    n += countLines(text);
    io.out(text);
  }
  return n;
}

async function toFile(res: Response, path: string): Promise<number> {
  const file = createWriteStream(path, { mode: 0o600 });
  const failed = new Promise<never>((_, reject) => file.once("error", (err) => reject(new CliError(`cannot write ${path}: ${err.message}`))));
  failed.catch(() => {});
  let n = 0;
  try {
    for await (const text of bodyText(res)) {
      n += countLines(text);
      if (!file.write(text)) await Promise.race([once(file, "drain"), failed]);
    }
    file.end();
    await Promise.race([once(file, "finish"), failed]);
  } catch (err) {
    file.destroy();
    throw err;
  }
  return n;
}
