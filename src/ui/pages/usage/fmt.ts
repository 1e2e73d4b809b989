/** Number and time labels of the usage charts and tiles, in the browser's locale. */
import type { Granularity } from "./usage-api";

const compactFmt = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });

/** 1.2K, 3.4M: axis ticks. */
export function compact(n: number): string {
  return compactFmt.format(n);
}

/** Axis ticks of a latency axis: "850 ms", "1.2 s". */
export function shortMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

const percentFmt = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });

/** "16.7%", "25%". */
export function percent(part: number, whole: number): string {
  return percentFmt.format(whole ? part / whole : 0);
}

/** The x-axis tick of a bucket: a time of day, or a date when the range spans days. */
export function tickLabel(t: number, g: Granularity, span: number): string {
  const d = new Date(t);
  // Day buckets are UTC days (the API aligns them to the epoch).
  if (g === "day") return d.toLocaleDateString(undefined, { day: "numeric", month: "short", timeZone: "UTC" });
  if (span > 36 * 3_600_000) {
    if (d.getHours() === 0 && d.getMinutes() === 0) return d.toLocaleDateString(undefined, { day: "numeric", month: "short" });
    return d.toLocaleString(undefined, { day: "numeric", month: "short", hour: "numeric", minute: "2-digit" });
  }
  return d.toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" });
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const STEPS: Record<Granularity, number[]> = {
  minute: [1, 2, 5, 10, 15, 30, 60, 120, 180, 360].map((m) => m * MIN),
  hour: [1, 2, 3, 6, 12, 24, 48, 72, 168].map((h) => h * HOUR),
  day: [1, 2, 7, 14, 28, 56].map((d) => d * 24 * HOUR),
};

/**
 * At most `max` x-axis ticks at round times (every 15 minutes, 6 hours, 7 days…), on the
 * local clock except for day buckets, which are UTC days.
 */
export function roundTicks(times: number[], g: Granularity, max = 8): number[] {
  if (times.length === 0) return [];
  const first = times[0] ?? 0;
  const span = (times[times.length - 1] ?? first) - first;
  const step = STEPS[g].find((s) => span / s < max) ?? STEPS[g][STEPS[g].length - 1] ?? HOUR;
  const local = (t: number) => (g === "day" ? t : t - new Date(t).getTimezoneOffset() * MIN);
  return times.filter((t) => local(t) % step === 0);
}

/** The tooltip's heading: the bucket in full ("12 Nov, 14:00 – 15:00"). */
export function bucketLabel(t: number, g: Granularity): string {
  const d = new Date(t);
  if (g === "day") return `${d.toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" })} (UTC)`;
  const size = g === "minute" ? 60_000 : 3_600_000;
  const time = (ms: number) => new Date(ms).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  return `${d.toLocaleDateString(undefined, { day: "numeric", month: "short" })}, ${time(t)} – ${time(t + size)}`;
}
