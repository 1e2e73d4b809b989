/**
 * The time range of the usage page and the bucket size that fits it. The range lives in
 * the URL (`?range=24h`, or `?range=custom&from=…&to=…` as local date-times) so a view can
 * be shared or reloaded; a preset is counted back from the moment the page last loaded
 * its data (the Refresh button moves that moment to now).
 */
import type { Granularity, UsageWindow } from "./usage-api";

export const GRANULARITY_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export type Preset = "1h" | "24h" | "7d" | "30d";
export const PRESETS: ReadonlyArray<{ id: Preset; label: string; long: string; span: number }> = [
  { id: "1h", label: "1 h", long: "Last hour", span: HOUR },
  { id: "24h", label: "24 h", long: "Last 24 hours", span: DAY },
  { id: "7d", label: "7 d", long: "Last 7 days", span: 7 * DAY },
  { id: "30d", label: "30 d", long: "Last 30 days", span: 30 * DAY },
];

/** Charts stay readable (and the API's 100,000-bucket cap far away) below this many buckets. */
export const MAX_BUCKETS = 1500;

/** The bucket size giving a few dozen to a few hundred points over `span`. */
export function autoGranularity(span: number): Granularity {
  if (span <= 6 * HOUR) return "minute";
  if (span <= 14 * DAY) return "hour";
  return "day";
}

export function bucketCount(w: { start: number; end: number }, g: Granularity): number {
  const size = GRANULARITY_MS[g];
  return Math.floor((w.end - 1) / size) - Math.floor(w.start / size) + 1;
}

/** What the URL says; anything unreadable falls back to the last 24 hours. */
export interface RangeChoice {
  range: Preset | "custom";
  /** `YYYY-MM-DDTHH:mm` in local time (the value of a datetime-local input). */
  from: string;
  to: string;
  /** A chosen bucket size; undefined = automatic. */
  granularity: Granularity | undefined;
}

export function readChoice(p: URLSearchParams): RangeChoice {
  const r = p.get("range");
  const range = r === "custom" || PRESETS.some((x) => x.id === r) ? (r as RangeChoice["range"]) : "24h";
  const g = p.get("granularity");
  return {
    range,
    from: p.get("from") ?? "",
    to: p.get("to") ?? "",
    granularity: g === "minute" || g === "hour" || g === "day" ? g : undefined,
  };
}

/** A datetime-local value as ms, or NaN. */
export function parseLocal(v: string): number {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v) ? new Date(v).getTime() : NaN;
}

/** ms as a datetime-local value. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * The window to ask for, or an error message for a custom range that does not work.
 * A chosen granularity that would give too many buckets is replaced by the automatic one.
 */
export function windowOf(c: RangeChoice, now: number): { window: UsageWindow; auto: boolean } | { error: string } {
  let start: number;
  let end: number;
  if (c.range === "custom") {
    start = parseLocal(c.from);
    end = parseLocal(c.to);
    if (!Number.isFinite(start) || !Number.isFinite(end)) return { error: "Choose both a start and an end for the custom range." };
    if (end <= start) return { error: "The end of the range must be after its start." };
  } else {
    const span = PRESETS.find((x) => x.id === c.range)?.span ?? DAY;
    end = now + 1;
    start = end - span;
  }
  const chosen = c.granularity && bucketCount({ start, end }, c.granularity) <= MAX_BUCKETS ? c.granularity : undefined;
  return { window: { start, end, granularity: chosen ?? autoGranularity(end - start) }, auto: chosen === undefined };
}
