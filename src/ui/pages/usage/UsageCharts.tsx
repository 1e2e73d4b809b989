/**
 * The three usage charts (recharts): requests split into successes and errors, tokens in
 * and out, and p50/p99 latency, over the chosen range. Colours are the theme's CSS
 * variables, so the charts follow light and dark mode; every chart has a fixed height so
 * nothing moves when data arrives.
 */
import type { ReactNode } from "react";
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import { bucketLabel, compact, roundTicks, shortMs, tickLabel } from "./fmt";
import type { Point } from "./series";
import type { Granularity } from "./usage-api";

export const CHART_HEIGHT = 220;

const AXIS = { stroke: "var(--border)", tick: { fill: "var(--text-muted)", fontSize: 11 }, tickLine: false } as const;
const GRID = { stroke: "var(--border)", strokeDasharray: "3 3", vertical: false } as const;
const NUMBER = new Intl.NumberFormat();

interface ChartProps {
  data: Point[];
  granularity: Granularity;
  span: number;
}

function Legend({ items }: { items: Array<{ label: string; color: string; dashed?: boolean }> }) {
  return (
    <ul className="us-legend" aria-hidden="true">
      {items.map((i) => (
        <li key={i.label}>
          <span className={i.dashed ? "us-swatch us-swatch-line" : "us-swatch"} style={{ background: i.color }} />
          {i.label}
        </li>
      ))}
    </ul>
  );
}

function ChartCard({ title, summary, legend, children }: { title: string; summary: string; legend: ReactNode; children: ReactNode }) {
  return (
    <figure className="card us-chart">
      <figcaption className="us-chart-head">
        <h2>{title}</h2>
        {legend}
      </figcaption>
      {/* A text summary for screen readers: the SVG itself says little. */}
      <p className="visually-hidden">{summary}</p>
      <div className="us-chart-body" style={{ height: CHART_HEIGHT }}>
        {children}
      </div>
    </figure>
  );
}

/** The tooltip: the bucket, then each series with its own formatting. */
function tip(granularity: Granularity, format: (v: number) => string, total?: (p: Point) => string) {
  function ChartTip({ active, payload, label }: TooltipContentProps) {
    if (!active || !payload?.length) return null;
    const p = payload[0]?.payload as Point | undefined;
    return (
      <div className="us-tooltip">
        <div className="us-tooltip-title">{bucketLabel(Number(label), granularity)}</div>
        {total && p ? <div className="us-tooltip-total">{total(p)}</div> : null}
        {payload.map((e) => (
          <div key={String(e.dataKey)} className="us-tooltip-row">
            <span className="us-swatch" style={{ background: e.color }} />
            <span>{e.name}</span>
            <span className="num">{typeof e.value === "number" ? format(e.value) : "—"}</span>
          </div>
        ))}
      </div>
    );
  }
  return ChartTip;
}

function xAxis(data: Point[], granularity: Granularity, span: number) {
  const ticks = roundTicks(
    data.map((p) => p.t),
    granularity,
  );
  return <XAxis dataKey="t" {...AXIS} ticks={ticks} interval={0} minTickGap={8} tickFormatter={(t: number) => tickLabel(t, granularity, span)} />;
}

const CURSOR = { fill: "var(--hover)", opacity: 0.7 };

export function RequestsChart({ data, granularity, span }: ChartProps) {
  const total = data.reduce((a, p) => a + p.requests, 0);
  const errors = data.reduce((a, p) => a + p.errors, 0);
  return (
    <ChartCard
      title="Requests"
      summary={`${total} requests, ${errors} errors in the range.`}
      legend={<Legend items={[{ label: "Succeeded", color: "var(--chart-1)" }, { label: "Errors", color: "var(--chart-4)" }]} />}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} barCategoryGap="12%">
          <CartesianGrid {...GRID} />
          {xAxis(data, granularity, span)}
          <YAxis {...AXIS} width={44} allowDecimals={false} tickFormatter={compact} />
          <Tooltip cursor={CURSOR} content={tip(granularity, (v) => NUMBER.format(v), (p) => `${NUMBER.format(p.requests)} requests`)} />
          <Bar dataKey="ok" name="Succeeded" stackId="r" fill="var(--chart-1)" isAnimationActive={false} />
          <Bar dataKey="errors" name="Errors" stackId="r" fill="var(--chart-4)" radius={[2, 2, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

export function TokensChart({ data, granularity, span }: ChartProps) {
  const input = data.reduce((a, p) => a + p.input, 0);
  const output = data.reduce((a, p) => a + p.output, 0);
  return (
    <ChartCard
      title="Tokens"
      summary={`${input} input tokens and ${output} output tokens in the range.`}
      legend={<Legend items={[{ label: "Input", color: "var(--chart-2)" }, { label: "Output", color: "var(--chart-3)" }]} />}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} barCategoryGap="12%">
          <CartesianGrid {...GRID} />
          {xAxis(data, granularity, span)}
          <YAxis {...AXIS} width={44} allowDecimals={false} tickFormatter={compact} />
          <Tooltip cursor={CURSOR} content={tip(granularity, (v) => NUMBER.format(v))} />
          <Bar dataKey="input" name="Input" stackId="t" fill="var(--chart-2)" isAnimationActive={false} />
          <Bar dataKey="output" name="Output" stackId="t" fill="var(--chart-3)" radius={[2, 2, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

export function LatencyChart({ data, granularity, span }: ChartProps) {
  // Dots carry sparse data (a line needs two neighbouring buckets to show at all).
  const dot = { r: 3, strokeWidth: 0 };
  return (
    <ChartCard
      title="Latency"
      summary="Median (p50) and 99th-percentile (p99) latency of each bucket's requests."
      legend={<Legend items={[{ label: "p50", color: "var(--chart-1)" }, { label: "p99", color: "var(--chart-3)" }]} />}
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid {...GRID} />
          {xAxis(data, granularity, span)}
          <YAxis {...AXIS} width={60} tickFormatter={shortMs} />
          <Tooltip cursor={{ stroke: "var(--border)" }} content={tip(granularity, shortMs)} />
          <Line dataKey="p50" name="p50" type="monotone" stroke="var(--chart-1)" strokeWidth={2} dot={{ ...dot, fill: "var(--chart-1)" }} connectNulls isAnimationActive={false} />
          <Line dataKey="p99" name="p99" type="monotone" stroke="var(--chart-3)" strokeWidth={2} dot={{ ...dot, fill: "var(--chart-3)" }} connectNulls isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
