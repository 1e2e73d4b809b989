/**
 * The SQLite append worker (sqlite-appender.ts says why): its own connection to the
 * store's file, the same pragmas, and the appends it is sent, each in one transaction.
 */
import BetterSqlite3 from "better-sqlite3";
import { parentPort, workerData } from "node:worker_threads";
import { appendSqlite, type AppendBatch } from "./append.js";

export type ToAppender = { type: "append"; id: number; batches: readonly AppendBatch[] } | { type: "close" };
export type FromAppender = { type: "done"; id: number; error?: string } | { type: "closed" };

const port = parentPort;
if (port === null) throw new Error("sqlite-append-worker runs only as a worker thread");
const { file } = workerData as { file: string };
const handle = new BetterSqlite3(file);
handle.pragma("journal_mode = WAL");
handle.pragma("synchronous = NORMAL");
handle.pragma("foreign_keys = ON");
handle.pragma("busy_timeout = 5000");

port.on("message", (m: ToAppender) => {
  if (m.type === "close") {
    handle.close();
    port.postMessage({ type: "closed" } satisfies FromAppender);
    return;
  }
  try {
    appendSqlite(handle, m.batches);
    port.postMessage({ type: "done", id: m.id } satisfies FromAppender);
  } catch (err) {
    port.postMessage({ type: "done", id: m.id, error: err instanceof Error ? err.message : String(err) } satisfies FromAppender);
  }
});
