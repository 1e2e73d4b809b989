// The load generator, in the bench process: autocannon for throughput, and an undici probe
// for time to first byte of a stream. Plus a one-shot correctness check per system.
import autocannon from "autocannon";
import { Agent, request } from "undici";
import type { Target } from "./systems.js";

export interface CannonSettings {
  connections: number;
  durationSec: number;
}

export interface CannonStats {
  rps: number;
  /** CPU time of the system's process during the run, as % of one core (filled by the caller). */
  cpuPct?: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

export interface TtfbStats {
  ttfbP50: number;
  ttfbP99: number;
  endP50: number;
  endP99: number;
  ok: number;
  failed: number;
}

const TIMEOUT_MS = 10_000;

/**
 * One autocannon run. Latency percentiles come from autocannon's per-response times of the
 * 2xx replies (floats, in ms), not from its histogram, which truncates to whole milliseconds.
 */
export function runCannon(target: Target, stream: boolean, s: CannonSettings): Promise<CannonStats> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const instance = autocannon(
      {
        url: target.url,
        method: "POST",
        headers: target.headers,
        body: target.body(stream),
        connections: s.connections,
        duration: s.durationSec,
        timeout: TIMEOUT_MS / 1000,
      },
      (err: unknown, result: autocannon.Result) => {
        if (err !== null && err !== undefined) {
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        latencies.sort((a, b) => a - b);
        resolve({
          rps: result.requests.average,
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          requests: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors,
        });
      },
    );
    instance.on("response", (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
  });
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

/**
 * `total` streaming requests, `concurrency` at a time, each timed from sending to the first
 * body byte and to the end of the stream. Only 200s that end in `data: [DONE]` count.
 */
export async function probeTtfb(target: Target, total: number, concurrency: number): Promise<TtfbStats> {
  const agent = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
  const payload = target.body(true);
  const ttfb: number[] = [];
  const end: number[] = [];
  let next = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      next++;
      const t0 = performance.now();
      try {
        const res = await request(target.url, {
          method: "POST",
          headers: target.headers,
          body: payload,
          dispatcher: agent,
          headersTimeout: TIMEOUT_MS,
          bodyTimeout: TIMEOUT_MS,
        });
        let first = -1;
        let tail = "";
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          if (first < 0) first = performance.now();
          tail = (tail + chunk.toString("utf8")).slice(-64);
        }
        const done = performance.now();
        if (res.statusCode === 200 && first >= 0 && tail.trimEnd().endsWith("data: [DONE]")) {
          ttfb.push(first - t0);
          end.push(done - t0);
        } else {
          failed++;
        }
      } catch {
        failed++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await agent.close();
  }
  ttfb.sort((a, b) => a - b);
  end.sort((a, b) => a - b);
  return {
    ttfbP50: percentile(ttfb, 50),
    ttfbP99: percentile(ttfb, 99),
    endP50: percentile(end, 50),
    endP99: percentile(end, 99),
    ok: ttfb.length,
    failed,
  };
}

/** Throws, with the reason, unless the system answers one chat and one streamed chat correctly. */
export async function verify(target: Target): Promise<void> {
  const agent = new Agent({ connections: 1 });
  try {
    const send = async (stream: boolean): Promise<{ status: number; text: string }> => {
      const res = await request(target.url, {
        method: "POST",
        headers: target.headers,
        body: target.body(stream),
        dispatcher: agent,
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
      });
      return { status: res.statusCode, text: await res.body.text() };
    };
    const plain = await send(false);
    if (plain.status !== 200) throw new Error(`chat answered ${plain.status}: ${plain.text.slice(0, 200)}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(plain.text);
    } catch {
      throw new Error(`chat answered non-JSON: ${plain.text.slice(0, 200)}`);
    }
    const object = typeof parsed === "object" && parsed !== null && "object" in parsed ? parsed.object : undefined;
    if (object !== "chat.completion") throw new Error(`chat body is not a chat.completion: ${plain.text.slice(0, 200)}`);
    const streamed = await send(true);
    if (streamed.status !== 200) throw new Error(`streamed chat answered ${streamed.status}: ${streamed.text.slice(0, 200)}`);
    if (!streamed.text.trimEnd().endsWith("data: [DONE]")) {
      throw new Error(`stream does not end in "data: [DONE]": …${streamed.text.slice(-200)}`);
    }
  } finally {
    await agent.close();
  }
}
