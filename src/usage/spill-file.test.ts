/** The usage spill file and the sink that uses it while the store fails. */
import assert from "node:assert/strict";
import { appendFileSync, readdirSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { pino } from "pino";
import { z } from "zod";
import { SpillFile, SpillFullError } from "./spill-file.js";
import { SpillingSink } from "./spilling-sink.js";

const Item = z.object({ id: z.number() });
type Item = z.infer<typeof Item>;
const silent = pino({ level: "silent" });
const dir = () => mkdtempSync(join(tmpdir(), "tessera-spill-"));
const items = (from: number, n: number): Item[] => Array.from({ length: n }, (_, i) => ({ id: from + i }));

describe("usage spill file", () => {
  it("replays what was appended, in order and in chunks, then deletes its files", async () => {
    const d = dir();
    const f = new SpillFile(d, 1_000_000, Item);
    await f.append(items(0, 3));
    await f.append(items(3, 4));
    assert.ok(f.pending && f.bytes > 0);
    const chunks: number[][] = [];
    const r = await f.replay(async (b) => void chunks.push(b.map((i) => i.id)), 5);
    assert.deepEqual(chunks, [[0, 1, 2, 3, 4], [5, 6]]);
    assert.deepEqual(r, { written: 7, skipped: 0 });
    assert.equal(f.pending, false);
    assert.deepEqual(readdirSync(d), []);
  });

  it("refuses appends past its bound", async () => {
    const f = new SpillFile(dir(), 40, Item);
    await f.append(items(0, 2)); // 2 × 9 bytes
    await assert.rejects(f.append(items(2, 3)), (e) => e instanceof SpillFullError && e.maxBytes === 40);
    await f.replay(async () => undefined);
    await f.append(items(2, 3));
  });

  it("a replay cut short keeps the file: the next one starts it again (the store skips what it has)", async () => {
    const f = new SpillFile(dir(), 1_000_000, Item);
    await f.append(items(0, 6));
    let calls = 0;
    await assert.rejects(
      f.replay(async () => {
        if (++calls === 2) throw new Error("store down again");
      }, 3),
    );
    assert.ok(f.pending);
    await f.append(items(6, 1));
    const seen: number[] = [];
    await f.replay(async (b) => void seen.push(...b.map((i) => i.id)), 3);
    assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6]);
    assert.equal(f.pending, false);
  });

  it("a process that starts after a kill replays the old file and skips its torn last line", async () => {
    const d = dir();
    const first = new SpillFile(d, 1_000_000, Item);
    await first.append(items(0, 2));
    appendFileSync(join(d, "current.jsonl"), '{"id":2'); // killed mid-append
    const next = new SpillFile(d, 1_000_000, Item);
    assert.equal(next.bytes, first.bytes + 7);
    await next.append(items(3, 1)); // a new file: not glued to the fragment
    const seen: number[] = [];
    const r = await next.replay(async (b) => void seen.push(...b.map((i) => i.id)));
    assert.deepEqual(seen.sort(), [0, 1, 3]);
    assert.equal(r.skipped, 1);
  });
});

describe("spilling sink", () => {
  it("spills what the store refuses, skips the store while it is down, replays once it is back", async () => {
    let down = false;
    let storeCalls = 0;
    const stored: number[] = [];
    const spill = new SpillFile(dir(), 1_000_000, Item);
    const sink = new SpillingSink<Item>({
      spill,
      log: silent,
      replayMs: 60_000,
      store: async (b) => {
        storeCalls++;
        if (down) throw new Error("connection refused");
        stored.push(...b.map((i) => i.id));
      },
    });
    await sink.write(items(0, 2));
    down = true;
    await sink.write(items(2, 2)); // refused: spilled
    const callsWhenDown = storeCalls;
    await sink.write(items(4, 2)); // straight to the file
    assert.equal(storeCalls, callsWhenDown, "no store call while it is known down");
    await sink.replay(); // still down: kept
    assert.ok(spill.pending);
    down = false;
    await sink.replay();
    assert.equal(spill.pending, false);
    await sink.write(items(6, 1)); // the store again
    assert.deepEqual(stored.sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6]);
    await sink.close();
  });

  it("without a spill file, a refused batch is the writer's to keep", async () => {
    const sink = new SpillingSink<Item>({ spill: undefined, log: silent, store: async () => Promise.reject(new Error("down")) });
    await assert.rejects(sink.write(items(0, 1)));
    await sink.close();
  });
});
