/** The batch writer: batching, retry after a failing store, bounded memory, drain on close. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pino } from "pino";
import { BatchWriter } from "./batch-writer.js";

const silent = pino({ level: "silent" });

describe("batch writer", () => {
  it("writes in batches of at most maxBatch, in order, as soon as a batch is waiting", async () => {
    const batches: number[][] = [];
    const w = new BatchWriter<number>({ log: silent, maxBatch: 4, intervalMs: 60_000, write: async (b) => void batches.push(b) });
    for (let i = 0; i < 10; i++) w.push(i);
    await new Promise((r) => setImmediate(r));
    await w.flush();
    assert.deepEqual(batches, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    await w.close();
  });

  it("keeps what a failing store did not take, and writes it once the store is back", async () => {
    let down = true;
    const written: number[] = [];
    let failures = 0;
    const w = new BatchWriter<number>({
      log: silent,
      intervalMs: 60_000,
      onWriteError: () => failures++,
      write: async (b) => {
        if (down) throw new Error("disk full");
        written.push(...b);
      },
    });
    w.push(1);
    w.push(2);
    await w.flush(true);
    assert.equal(w.buffered, 2);
    assert.equal(failures, 1);
    await w.flush();
    assert.equal(failures, 1, "backing off: no retry before the backoff ends");
    w.push(3);
    down = false;
    await w.close();
    assert.deepEqual(written, [1, 2, 3]);
    assert.equal(w.dropped, 0);
  });

  it("drops the oldest only when the bound is reached, counting them; records after close are counted too", async () => {
    const written: number[] = [];
    let dropped = 0;
    const w = new BatchWriter<number>({ log: silent, intervalMs: 60_000, maxBuffered: 3, maxBatch: 100, onDrop: (n) => (dropped += n), write: async (b) => void written.push(...b) });
    for (let i = 0; i < 5; i++) w.push(i);
    assert.equal(w.buffered, 3);
    assert.equal(dropped, 2);
    await w.close();
    assert.deepEqual(written, [2, 3, 4]);
    w.push(9);
    assert.equal(dropped, 3);
    assert.equal(w.dropped, 3);
  });

  it("close() retries a store that fails briefly, and gives up (logged, counted) on one that stays down", async () => {
    let calls = 0;
    const written: number[] = [];
    const flaky = new BatchWriter<number>({
      log: silent,
      intervalMs: 60_000,
      write: async (b) => {
        if (++calls < 3) throw new Error("busy");
        written.push(...b);
      },
    });
    flaky.push(1);
    await flaky.close();
    assert.deepEqual(written, [1]);

    const dead = new BatchWriter<number>({ log: silent, intervalMs: 60_000, write: async () => Promise.reject(new Error("gone")) });
    dead.push(1);
    dead.push(2);
    await dead.close();
    assert.equal(dead.dropped, 2);
    assert.equal(dead.buffered, 0);
  });

  it("flushes on its timer", async () => {
    const written: number[] = [];
    const w = new BatchWriter<number>({ log: silent, intervalMs: 20, write: async (b) => void written.push(...b) });
    w.push(1);
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(written, [1]);
    await w.close();
  });
});
