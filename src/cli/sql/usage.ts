/** Help text of `tessera sql`. */
import { GLOBAL } from "../client/usage.js";

export const SQL_USAGE = `Usage: tessera sql ("<statement>" | -f <file>) [--output results.parquet|.csv|.jsonl]
                   [--concurrency N] [--format table|csv|jsonl] [--database <file.duckdb>]

Runs SQL in an embedded DuckDB on this machine; ai_query and the task functions
(ai_summarize, ai_classify, …; docs/ai-query.md) call the gateway's serving endpoints with
your token, one request per row, concurrently. Files are read with this user's rights
(read_csv('reviews.csv'), read_parquet('/data/*.parquet'); relative paths from the current
directory). A progress line (rows, calls/s, errors, ETA) goes to stderr.

Options:
  -f, --file <path>     read the statement from a file ("-" reads standard input)
  -o, --output <file>   write the result to a Parquet, CSV or JSON Lines file (by extension),
                        streamed by DuckDB; the statement must then be one query
  --concurrency <N>     AI calls in flight per endpoint (default 32)
  --format <f>          stdout format: table (default on a terminal), csv (default when
                        piped) or jsonl
  --database <file>     a DuckDB database file to keep tables in (default: in memory)
  --quiet               no progress line

${GLOBAL}
`;

export const SQL_HINT = 'Run "tessera sql --help" for usage.\n';
