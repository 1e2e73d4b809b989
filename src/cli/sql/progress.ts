/**
 * The progress bar of `tessera sql` on stderr: rows done (of the total when known), calls
 * per second, errors, 429 waits and the ETA. On a terminal one line is redrawn in place
 * several times a second; otherwise (a log, CI) a plain line is written every few seconds.
 */
import type { Progress } from "../../sql/batch.js";

export interface ProgressView {
  rowsDone: number;
  calls: number;
  errors: number;
  rateLimitedWaits: number;
  elapsedMs: number;
  /** Rows the statement will compute AI values for, when known. */
  total?: number | undefined;
}

const BAR = 24;

function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** `1m05s`, `12s`, `2h03m`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** One progress line, without a newline. */
export function progressLine(v: ProgressView): string {
  const secs = v.elapsedMs / 1000;
  const rate = secs > 0 ? v.calls / secs : 0;
  const parts: string[] = [];
  const total = v.total !== undefined && v.total > 0 ? v.total : undefined;
  if (total !== undefined) {
    const frac = Math.min(1, v.rowsDone / total);
    const filled = Math.round(frac * BAR);
    parts.push(`[${"#".repeat(filled)}${".".repeat(BAR - filled)}] ${count(v.rowsDone)}/${count(total)} rows (${Math.floor(frac * 100)}%)`);
  } else parts.push(`${count(v.rowsDone)} rows`);
  parts.push(`${rate >= 10 ? count(rate) : rate.toFixed(1)} calls/s`);
  parts.push(`${count(v.errors)} error${v.errors === 1 ? "" : "s"}`);
  if (v.rateLimitedWaits > 0) parts.push(`${count(v.rateLimitedWaits)} waits on 429`);
  const rowRate = secs > 0 ? v.rowsDone / secs : 0;
  if (total !== undefined && rowRate > 0 && v.rowsDone < total) parts.push(`ETA ${duration(((total - v.rowsDone) / rowRate) * 1000)}`);
  else parts.push(duration(v.elapsedMs));
  return parts.join(" · ");
}

export interface ProgressBar {
  stop(): void;
}

/**
 * Draws `progress` on `write` until stopped: redrawn in place every `ttyMs` on a terminal,
 * a line every `lineMs` otherwise; `stop` clears the terminal line (the caller prints the summary).
 */
export function startProgressBar(o: { progress: Progress; total: () => number | undefined; write: (s: string) => void; tty: boolean; ttyMs?: number; lineMs?: number }): ProgressBar {
  const view = (): ProgressView => ({ ...o.progress, elapsedMs: Date.now() - o.progress.startedAt, total: o.total() });
  let drawn = false;
  const draw = () => {
    if (o.tty) {
      o.write(`\r\x1b[K${progressLine(view())}`);
      drawn = true;
    } else o.write(`${progressLine(view())}\n`);
  };
  const timer = setInterval(draw, o.tty ? (o.ttyMs ?? 150) : (o.lineMs ?? 5_000));
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      if (drawn) o.write("\r\x1b[K");
    },
  };
}
