/** Times on the command line: `now`, a duration ago (`30m`, `2h`, `7d`), ms since the epoch, or ISO 8601. */
import { UsageError } from "./errors.js";

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/**
 * Parses a time option to ms since the epoch.
 * @example parseTimeArg("2h", "--start", hint, Date.UTC(2025, 0, 1)) // two hours before
 */
export function parseTimeArg(value: string, option: string, hint: string, now = Date.now()): number {
  const v = value.trim();
  if (v === "now") return now;
  const ago = /^(\d+)([smhdw])$/.exec(v);
  if (ago) return now - Number(ago[1]) * (UNIT_MS[ago[2] as string] as number);
  if (/^\d{11,16}$/.test(v)) return Number(v);
  // Date-only ISO strings parse as UTC midnight; full ones keep their offset.
  const t = /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(t)) {
    throw new UsageError(`${option} '${value}' is not a time: use now, a duration ago (30m, 2h, 7d), ms since the epoch, or ISO 8601 (2025-01-31T12:00:00Z)`, hint);
  }
  return t;
}
