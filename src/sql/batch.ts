/**
 * The AI calls of one statement. DuckDB hands over a chunk of rows at a time
 * (`answer`); each row becomes one request through the invoker, run concurrently up to a
 * bound per endpoint. Identical requests within the statement are sent once (a bounded
 * cache of answers, so a million-row statement does not keep a million answers). A 429
 * waits for its Retry-After and tries again: a rate limit slows the batch down instead of
 * failing it. Cancelling the statement aborts every call in flight and every wait.
 */
import { randomUUID } from "node:crypto";
import { GatewayError } from "../gateway/errors.js";
import type { AnyResponse, Task } from "../gateway/types.js";
import { AnswerError, answerValue, encodeValue, requestBody } from "./answer.js";
import type { CallSite } from "./call-site.js";
import type { Invoker } from "./invoker.js";
import type { CallsAnswer } from "./protocol.js";

export interface Progress {
  /** Rows whose AI value is known (answered, failed, NULL input or a repeat). */
  rowsDone: number;
  /** Requests sent to the pipeline (retries after a 429 included). */
  calls: number;
  /** Rows whose call failed. */
  errors: number;
  /** Times a 429 made a call wait and retry. */
  rateLimitedWaits: number;
  /** Rows answered from an identical earlier request. */
  repeats: number;
  startedAt: number;
  /**
   * Rows the statement's sources will read, when DuckDB knows (a `COPY (…) TO` over a
   * table, a file or `range(n)`; not a streamed SELECT): the total a progress bar shows.
   */
  totalRows?: number;
}

export const DEFAULT_CONCURRENCY = 32;
const CACHE_LIMIT = 10_000;

/** A counting semaphore: at most `limit` holders at once, FIFO. */
class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

type Outcome = { ok: true; response: AnyResponse } | { ok: false; message: string };

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function messageOf(err: unknown): string {
  if (err instanceof GatewayError) return `${err.kind.errorCode}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

export class StatementCalls {
  readonly progress: Progress = { rowsDone: 0, calls: 0, errors: 0, rateLimitedWaits: 0, repeats: 0, startedAt: Date.now() };
  private readonly sites: Map<number, CallSite>;
  private readonly gates = new Map<string, Semaphore>();
  private readonly cache = new Map<string, Promise<Outcome>>();

  constructor(
    sites: CallSite[],
    private readonly invoker: Invoker,
    private readonly statementId: string,
    private readonly concurrency: number,
    private readonly signal: AbortSignal,
  ) {
    this.sites = new Map(sites.map((s) => [s.id, s]));
  }

  hasSite(id: number): boolean {
    return this.sites.has(id);
  }

  /** The values of one chunk of rows, or the first error when a site fails on error. */
  async answer(siteId: number, endpoints: Array<string | null>, requests: Array<string | null>): Promise<CallsAnswer> {
    const site = this.sites.get(siteId);
    if (!site) return { error: "unknown AI function call" };
    if (this.signal.aborted) return { error: "The statement was canceled." };
    const values: Array<string | null> = new Array(requests.length).fill(null);
    const pending: Array<Promise<void>> = [];
    let failure: string | undefined;
    for (let i = 0; i < requests.length; i++) {
      const request = requests[i];
      const endpoint = endpoints[i];
      if (request === null || request === undefined || endpoint === null || endpoint === undefined) {
        this.progress.rowsDone++;
        continue;
      }
      const row = i;
      pending.push(
        this.row(site, endpoint, request).then((v) => {
          this.progress.rowsDone++;
          if ("error" in v) {
            this.progress.errors++;
            if (site.failOnError) failure ??= v.error;
            else values[row] = encodeValue(site, null, v.error);
          } else values[row] = v.value;
        }),
      );
    }
    await Promise.all(pending);
    if (this.signal.aborted) return { error: "The statement was canceled." };
    return failure !== undefined ? { error: `ai_query failed on a row: ${failure}` } : { values };
  }

  private async row(site: CallSite, endpoint: string, request: string): Promise<{ value: string | null } | { error: string }> {
    const task: Task | undefined = site.task ?? this.invoker.taskOf(endpoint);
    if (!task) return { error: `RESOURCE_DOES_NOT_EXIST: Endpoint with name '${endpoint}' does not exist.` };
    const body = requestBody(site, task, request, this.statementId);
    const key = `${endpoint}\u0000${JSON.stringify(body)}`;
    let outcome = this.cache.get(key);
    if (outcome) this.progress.repeats++;
    else {
      outcome = this.send(endpoint, task, body);
      this.cache.set(key, outcome);
      if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    }
    const o = await outcome;
    if (!o.ok) return { error: o.message };
    try {
      return { value: encodeValue(site, answerValue(site, o.response), undefined) };
    } catch (err) {
      return { error: err instanceof AnswerError ? err.message : messageOf(err) };
    }
  }

  private gate(endpoint: string): Semaphore {
    let g = this.gates.get(endpoint);
    if (!g) {
      g = new Semaphore(this.concurrency);
      this.gates.set(endpoint, g);
    }
    return g;
  }

  private async send(endpoint: string, task: Task, body: Parameters<Invoker["invoke"]>[2]): Promise<Outcome> {
    const gate = this.gate(endpoint);
    await gate.acquire();
    try {
      for (;;) {
        if (this.signal.aborted) return { ok: false, message: "The statement was canceled." };
        this.progress.calls++;
        try {
          return { ok: true, response: await this.invoker.invoke(endpoint, task, body, this.signal, randomUUID()) };
        } catch (err) {
          if (err instanceof GatewayError && err.status === 429 && !this.signal.aborted) {
            this.progress.rateLimitedWaits++;
            const seconds = Number(err.retryAfter ?? "1");
            await sleep(Math.max(50, (Number.isFinite(seconds) ? seconds : 1) * 1000), this.signal).catch(() => undefined);
            continue;
          }
          return { ok: false, message: this.signal.aborted ? "The statement was canceled." : messageOf(err) };
        }
      }
    } finally {
      gate.release();
    }
  }
}
