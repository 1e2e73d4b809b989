// The governed-pg section of RESULTS.md (only with --database-url): Tessera governed on
// PostgreSQL against the same system on SQLite, cell by cell, ratios taken within each run.
import { CELL_LABEL, CELLS, cellSpread, cpuRatio, fmtSpread, num, perRun, rpsRatio, table, type Report, type Spread } from "./report.js";

/** The target: the PostgreSQL row within 10 % of the SQLite row (faster is fine). */
const GOAL = 0.9;

function verdict(s: Spread): string {
  if (s.values.length === 0) return "not measured";
  return s.median >= GOAL ? "**met**" : "**not met**";
}

export function postgresSection(r: Report): string[] {
  const pg = r.postgres;
  if (pg === undefined) return [];
  const ratios = CELLS.map((cell) => perRun(r, cell, rpsRatio, "governed-pg", "governed"));
  const rows = CELLS.map((cell, i) => {
    const rps = ratios[i] ?? perRun(r, cell, rpsRatio, "governed-pg", "governed");
    return [
      CELL_LABEL[cell],
      fmtSpread(cellSpread(r, cell, "governed", (c) => c.rps), 0),
      fmtSpread(cellSpread(r, cell, "governed-pg", (c) => c.rps), 0),
      fmtSpread(rps, 2, "×"),
      num(cellSpread(r, cell, "governed", (c) => c.cpuUsPerReq).median, 0),
      num(cellSpread(r, cell, "governed-pg", (c) => c.cpuUsPerReq).median, 0),
      fmtSpread(perRun(r, cell, cpuRatio, "governed-pg", "governed"), 2, "×"),
      verdict(rps),
    ];
  });
  const measured = r.runs.reduce((sum, run) => sum + CELLS.reduce((a, cell) => a + (run.cells[cell]?.["governed-pg"]?.requests ?? 0), 0), 0);
  const all = ratios.every((s) => s.values.length > 0);
  const met = all && ratios.every((s) => s.median >= GOAL);
  return [
    "## Governed on PostgreSQL ÷ governed on SQLite (issue 14)",
    "",
    `Tessera governed as above plus \`--database-url\` on a fresh schema (\`${pg.schema}\`, dropped at the end) of ${pg.database}: every table, usage and inference rows included, on PostgreSQL. ` +
      "It is measured in the same interleaved runs, right after (or, in odd runs, right before) the SQLite governed system. " +
      "CPU µs/req counts the Tessera process only; the PostgreSQL server's own work (a separate process) is not in it.",
    "",
    table(["cell", "SQLite req/s", "PostgreSQL req/s", "PostgreSQL ÷ SQLite req/s", "SQLite CPU µs/req", "PostgreSQL CPU µs/req", "CPU ratio", `≥ ${GOAL} (within 10 %)`], rows),
    "",
    `- Governed row on PostgreSQL within 10 % of SQLite (req/s ratio ≥ ${GOAL} in every cell, median over runs): ${all ? (met ? "met" : "not met") : "not measured in this run"}.`,
    `- Usage rows in the schema at the end: ${pg.usageRows === null ? DASH_TEXT : String(pg.usageRows)} (measured requests: ${measured}; the warm-ups, the check requests and the TTFB probe add to the rows).`,
    "",
  ];
}

const DASH_TEXT = "not counted (see Errors)";
