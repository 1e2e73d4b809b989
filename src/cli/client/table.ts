/** Plain-text tables and timestamps for the list commands. */

/** Renders rows under a header, columns left-aligned and separated by two spaces. */
export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map((r) => line(headers.map((_, i) => r[i] ?? "")))].join("\n") + "\n";
}

/** Milliseconds since the epoch as an ISO 8601 UTC time without milliseconds; `-` when absent. */
export function formatTimestamp(ms: unknown): string {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return "-";
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return "-";
  return `${date.toISOString().slice(0, 19)}Z`;
}
