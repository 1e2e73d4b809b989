/**
 * Prometheus metrics of the traffic, fed from every request record (whether or not the
 * endpoint tracks usage). Labels are endpoint and served-entity names, status classes and
 * error codes only — never a requester — so the number of series stays bounded by the
 * endpoints that exist (series of a deleted endpoint stay until the process restarts).
 *
 * The hot path does one Map lookup per request for the label children of its
 * (endpoint, entity) pair, then increments them; prom-client's children are bound calls
 * that hash the label values again on every inc/observe.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { RequestRecord } from "../gateway/policies.js";
import { ERROR_KINDS } from "../gateway/errors.js";

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Seconds; model calls run from milliseconds (cached, embeddings) to minutes (long generations). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];

type StatusClass = "1xx" | "2xx" | "3xx" | "4xx" | "5xx";

interface Children {
  byClass: Map<StatusClass, Counter.Internal>;
  input: Counter.Internal;
  output: Counter.Internal;
  duration: Histogram.Internal<string>;
}

function statusClass(status: number): StatusClass {
  if (status >= 500) return "5xx";
  if (status >= 400) return "4xx";
  if (status >= 300) return "3xx";
  if (status >= 200) return "2xx";
  return "1xx";
}

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<string>;
  private readonly errors: Counter<string>;
  private readonly rateLimited: Counter<string>;
  private readonly tokens: Counter<string>;
  private readonly duration: Histogram<string>;
  /** Usage-writer health. */
  readonly dropped: Counter<string>;
  readonly writeFailures: Counter<string>;
  private readonly children = new Map<string, Children>();

  constructor(buffered: () => number) {
    const registers = [this.registry];
    this.requests = new Counter({ name: "tessera_requests_total", help: "Requests to serving endpoints, by HTTP status class.", labelNames: ["endpoint", "served_entity", "status_class"], registers });
    this.errors = new Counter({ name: "tessera_errors_total", help: "Failed requests (status >= 400), by error code.", labelNames: ["endpoint", "served_entity", "code"], registers });
    this.rateLimited = new Counter({ name: "tessera_rate_limit_rejections_total", help: "Requests rejected by the endpoint's rate limits.", labelNames: ["endpoint"], registers });
    this.tokens = new Counter({ name: "tessera_tokens_total", help: "Tokens the model reported (input: prompt, output: completion).", labelNames: ["endpoint", "served_entity", "type"], registers });
    this.duration = new Histogram({
      name: "tessera_request_duration_seconds",
      help: "Time from the request's arrival to its last byte (streams: the end of the stream).",
      labelNames: ["endpoint", "served_entity"],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.dropped = new Counter({ name: "tessera_usage_records_dropped_total", help: "Usage or inference records lost because the store kept failing (or recorded after shutdown).", registers });
    this.writeFailures = new Counter({ name: "tessera_usage_write_failures_total", help: "Failed batch writes of usage and inference records (retried).", registers });
    new Gauge({
      name: "tessera_usage_buffered_records",
      help: "Usage and inference records waiting to be written to the store.",
      registers,
      collect() {
        this.set(buffered());
      },
    });
  }

  private childrenOf(endpoint: string, entity: string): Children {
    const key = `${endpoint}\u0000${entity}`;
    let c = this.children.get(key);
    if (!c) {
      c = {
        byClass: new Map(),
        input: this.tokens.labels(endpoint, entity, "input"),
        output: this.tokens.labels(endpoint, entity, "output"),
        duration: this.duration.labels(endpoint, entity),
      };
      this.children.set(key, c);
    }
    return c;
  }

  /** Counts one finished request. Cheap: a Map lookup and a few increments. */
  observe(rec: RequestRecord): void {
    const endpoint = rec.endpoint.name;
    const entity = rec.entity?.name ?? "";
    const c = this.childrenOf(endpoint, entity);
    const cls = statusClass(rec.status);
    let req = c.byClass.get(cls);
    if (!req) c.byClass.set(cls, (req = this.requests.labels(endpoint, entity, cls)));
    req.inc();
    c.duration.observe(rec.latencyMs / 1000);
    if (rec.status >= 400) this.errors.labels(endpoint, entity, rec.errorCode ?? ERROR_KINDS.INTERNAL.code).inc();
    if (rec.rateLimited) this.rateLimited.labels(endpoint).inc();
    const u = rec.usage;
    if (u) {
      if (typeof u.prompt_tokens === "number" && u.prompt_tokens > 0) c.input.inc(u.prompt_tokens);
      if (typeof u.completion_tokens === "number" && u.completion_tokens > 0) c.output.inc(u.completion_tokens);
    }
  }

  /** Every metric, in the Prometheus text format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The metrics with an `endpoint` label, only the series of `endpoint`, in the Prometheus text format. */
  async endpointText(endpoint: string): Promise<string> {
    const out: string[] = [];
    for (const m of await this.registry.getMetricsAsJSON()) {
      const values = m.values as Array<{ value: number; labels: Record<string, string | number>; metricName?: string }>;
      if (!ENDPOINT_METRICS.has(m.name)) continue;
      out.push(`# HELP ${m.name} ${escapeHelp(m.help)}`, `# TYPE ${m.name} ${String(m.type)}`);
      for (const v of values) {
        if (v.labels["endpoint"] !== endpoint) continue;
        out.push(`${v.metricName ?? m.name}${renderLabels(v.labels)} ${formatValue(v.value)}`);
      }
      out.push("");
    }
    return out.join("\n");
  }
}

/** Metrics labelled by endpoint (shown per endpoint even before they have a series). */
const ENDPOINT_METRICS = new Set(["tessera_requests_total", "tessera_errors_total", "tessera_rate_limit_rejections_total", "tessera_tokens_total", "tessera_request_duration_seconds"]);

function escapeHelp(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function escapeLabel(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function renderLabels(labels: Record<string, string | number>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(typeof v === "number" ? formatValue(v) : v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

function formatValue(v: number): string {
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (Number.isNaN(v)) return "NaN";
  return String(v);
}
