/**
 * Appends to the embedded store from a worker thread.
 *
 * Why: usage and inference rows are appended with every request (batched, usage/). On
 * SQLite an append is synchronous work — better-sqlite3 runs the statements on the calling
 * thread — and under load it cost the gateway's one event loop ~30 µs per governed request
 * (bench profile), time in which no request is served. The worker opens its own
 * connection to the same file (WAL: one writer at a time, SQLite's busy_timeout orders it
 * with the main connection's rare writes) and runs the same prepared inserts; the main
 * thread only hands the rows over. An append resolves once the worker has committed, and
 * rejects with the worker's error (the usage writer then spills the batch), so what it
 * acknowledges is what is on disk, as before.
 */
import { Worker } from "node:worker_threads";
import type { AppendBatch } from "./append.js";
import type { FromAppender, ToAppender } from "./sqlite-append-worker.js";
import { workerSource } from "../worker-source.js";

interface Pending {
  resolve(): void;
  reject(err: Error): void;
}

export class SqliteAppender {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closing: Promise<void> | undefined;

  constructor(private readonly file: string) {}

  append(batches: readonly AppendBatch[]): Promise<void> {
    if (this.closing) return Promise.reject(new Error("The store is closed."));
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      if (this.pending.size === 0) worker.ref(); // an append in flight keeps the process alive until it is written
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ type: "append", id, batches } satisfies ToAppender);
    });
  }

  /** Waits for every append in flight, then closes the worker's connection. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const worker = this.worker;
    if (!worker) return (this.closing = Promise.resolve());
    this.closing = new Promise<void>((resolve) => {
      worker.on("message", (m: FromAppender) => {
        if (m.type === "closed") void worker.terminate().then(() => resolve(), () => resolve());
      });
      worker.once("exit", () => resolve());
      worker.ref();
      // Messages are handled in order: every append sent before this one is written first.
      worker.postMessage({ type: "close" } satisfies ToAppender);
    });
    return this.closing;
  }

  private start(): Worker {
    const src = workerSource(import.meta.url, "./sqlite-append-worker");
    const worker = new Worker(src.source, { eval: src.eval, workerData: { file: this.file } });
    this.worker = worker;
    worker.unref();
    worker.on("message", (m: FromAppender) => {
      if (m.type !== "done") return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      if (m.error === undefined) p.resolve();
      else p.reject(new Error(m.error));
    });
    const failAll = (err: Error) => {
      this.worker = undefined;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on("error", (err) => failAll(err));
    worker.on("exit", (code) => failAll(new Error(`The store's append worker exited (code ${code}).`)));
    return worker;
  }
}
