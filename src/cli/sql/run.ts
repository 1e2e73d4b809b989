/**
 * `tessera sql "<statement>"`: the SQL engine runs here, in this process (DuckDB in a worker
 * thread, no file sandbox: a local user reads what they can read), and every AI call goes to
 * the gateway over HTTP with the user's token (http-invoker.ts), so the gateway's
 * permissions, limits and usage records apply per call. Why local and not the Statement
 * Execution API: files on this machine, results of any size streamed into a Parquet file,
 * and no 25 MiB inline cap (docs/ai-query.md, "tessera sql").
 */
import { randomUUID } from "node:crypto";
import { GatewayError } from "../../gateway/errors.js";
import { CanceledError, SqlEngine } from "../../sql/engine.js";
import type { Cell, Column } from "../../sql/protocol.js";
import { connect, expectPositionals, parseCommand, readTextInput } from "../client/args.js";
import { CliError, UsageError } from "../client/errors.js";
import type { CommandIO } from "../client/io.js";
import { HttpInvoker } from "./http-invoker.js";
import { copyStatement, fileFormat, StdoutResult, stdoutFormat } from "./output.js";
import { duration, startProgressBar } from "./progress.js";
import { SQL_HINT, SQL_USAGE } from "./usage.js";

function positiveInt(v: string | undefined, flag: string, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${flag} must be a whole number from 1 to ${max}, not '${v}'`, SQL_HINT);
  return n;
}

export async function runSql(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    {
      file: { type: "string", short: "f" },
      output: { type: "string", short: "o" },
      concurrency: { type: "string" },
      format: { type: "string" },
      database: { type: "string" },
      quiet: { type: "boolean", short: "q" },
    },
    SQL_HINT,
  );
  if (values.help) {
    io.out(SQL_USAGE);
    return 0;
  }
  const [given] = expectPositionals(positionals, ["statement"], SQL_HINT, 1);
  if ((given === undefined) === (values.file === undefined)) throw new UsageError('pass the statement as "<statement>" or with -f <file>', SQL_HINT);
  const concurrency = positiveInt(values.concurrency, "--concurrency", 1024);
  const format = values.output !== undefined ? undefined : stdoutFormat(values.format, io.stdoutIsTTY);
  const text = given ?? (await readTextInput(values.file ?? "-", io));
  if (text.trim() === "") throw new UsageError("the statement is empty", SQL_HINT);
  const statement = values.output !== undefined ? copyStatement(text, values.output, fileFormat(values.output)) : text;

  const client = connect(values, io);
  const invoker = await HttpInvoker.connect(client);
  const env = io.env;
  const engine = await SqlEngine.start({
    database: values.database ?? ":memory:",
    searchPath: process.cwd(),
    memoryLimit: env["TESSERA_SQL_MEMORY_LIMIT"] ?? "1GB",
    threads: Number(env["TESSERA_SQL_THREADS"] ?? 2) || 2,
    ...(env["TESSERA_SQL_DEFAULT_CHAT_ENDPOINT"] ? { defaultChatEndpoint: env["TESSERA_SQL_DEFAULT_CHAT_ENDPOINT"] } : {}),
    ...(env["TESSERA_SQL_DEFAULT_EMBEDDINGS_ENDPOINT"] ? { defaultEmbeddingsEndpoint: env["TESSERA_SQL_DEFAULT_EMBEDDINGS_ENDPOINT"] } : {}),
  });
  const result = new StdoutResult(format ?? "csv", io.out);
  let copied: string | undefined;
  const sink = {
    columns: (c: Column[]) => {
      if (format) result.setColumns(c);
    },
    rows: (rows: Cell[][]) => {
      if (format) result.add(rows);
      else copied = rows[0]?.[0] ?? copied;
    },
  };
  const onSigint = () => run?.cancel("Interrupted (Ctrl-C); the calls in flight were aborted.");
  let run: ReturnType<SqlEngine["execute"]> | undefined;
  let bar: ReturnType<typeof startProgressBar> | undefined;
  try {
    run = engine.execute({ id: randomUUID(), statement, invoker, sink, ...(concurrency ? { concurrency } : {}) });
    process.once("SIGINT", onSigint);
    const progress = run.progress;
    if (!values.quiet) {
      const lineMs = Number(env["TESSERA_SQL_PROGRESS_MS"] ?? 5_000) || 5_000;
      bar = startProgressBar({ progress, total: () => progress.totalRows, write: io.err, tty: io.stderrIsTTY, lineMs });
    }
    await run.prepared;
    await run.done;
    bar?.stop();
    const omitted = format ? result.finish() : 0;
    const took = duration(Date.now() - progress.startedAt);
    if (!values.quiet) {
      const ai = `${progress.rowsDone.toLocaleString("en-US")} AI rows, ${progress.calls.toLocaleString("en-US")} calls, ${progress.errors} errors, ${progress.rateLimitedWaits} waits on 429`;
      if (values.output !== undefined) io.err(`Wrote ${Number(copied ?? 0).toLocaleString("en-US")} rows to ${values.output} in ${took} (${ai}).\n`);
      else io.err(`${result.rowCount.toLocaleString("en-US")} rows in ${took} (${ai})${omitted > 0 ? `; the table shows the first ${result.rowCount - omitted}: use --output or --format csv for all` : ""}.\n`);
    }
    return 0;
  } catch (err) {
    bar?.stop();
    if (err instanceof CanceledError) {
      io.err(`Canceled: ${err.message}\n`);
      return 130;
    }
    if (err instanceof GatewayError) throw new CliError(`${err.message} (${err.kind.errorCode})`);
    throw err;
  } finally {
    process.removeListener("SIGINT", onSigint);
    await engine.close();
  }
}
