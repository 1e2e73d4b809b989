/**
 * The local spill file behind the usage writer: batches the store could not take are
 * appended here (JSON lines, one item a line), fsync'd before the append resolves, and
 * replayed into the store once it answers again — so a process killed during a database
 * outage loses only what had not reached the file yet (its last flush interval), not the
 * whole backlog it held in memory.
 *
 * Files, in `<dir>`: `current.jsonl` takes appends; a replay first renames it to
 * `replay-<time>-<n>.jsonl` (appends then start a new `current.jsonl`) and replays every
 * `replay-*` file, oldest first, in chunks; a file is deleted only once all its lines were
 * written. A replay cut short (store failing again, process killed) starts that file again
 * from its first line next time: on PostgreSQL the rows it already wrote are skipped
 * (unique request ids, `on conflict do nothing`), so each request still has one row.
 *
 * Bounded: appends that would take the files past `maxBytes` are refused (`SpillFullError`);
 * the writer then keeps the batch in its bounded memory queue. A line that does not parse
 * (the torn last line of a kill during an append) is skipped and counted.
 */
import { createReadStream, existsSync, mkdirSync, readdirSync, renameSync, statSync } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { z } from "zod";

export class SpillFullError extends Error {
  constructor(
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`the usage spill file is full (${bytes} of ${maxBytes} bytes)`);
  }
}

const CURRENT = "current.jsonl";
const REPLAY = /^replay-\d+-\d+\.jsonl$/;

export interface ReplayResult {
  /** Items written to the store. */
  written: number;
  /** Lines skipped because they did not parse. */
  skipped: number;
}

export class SpillFile<T> {
  private bytesHeld = 0;
  private lock: Promise<unknown> = Promise.resolve();
  private seq = 0;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
    private readonly schema: z.ZodType<T>,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // A previous process's file may end in a torn line (killed mid-append): it is replayed,
    // never appended to, so the next line written cannot be glued to that fragment.
    if (existsSync(join(dir, CURRENT))) renameSync(join(dir, CURRENT), join(dir, `replay-${Date.now()}-${this.seq++}.jsonl`));
    for (const name of this.files()) this.bytesHeld += statSync(join(dir, name)).size;
  }

  /** Bytes in the spill files now. */
  get bytes(): number {
    return this.bytesHeld;
  }

  /** Whether anything waits to be replayed. */
  get pending(): boolean {
    return this.bytesHeld > 0;
  }

  /** The replay files and the current one, oldest first. */
  private files(): string[] {
    const names = readdirSync(this.dir);
    const replays = names.filter((n) => REPLAY.test(n)).sort((a, b) => this.order(a) - this.order(b) || (a < b ? -1 : 1));
    return names.includes(CURRENT) ? [...replays, CURRENT] : replays;
  }

  private order(name: string): number {
    return Number(name.split("-")[1]);
  }

  /** Runs `fn` alone: appends and the rename of a replay never interleave. */
  private exclusive<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** Appends the items and fsyncs; resolves once they are on disk. Throws SpillFullError when over the bound. */
  append(items: readonly T[]): Promise<void> {
    const text = items.map((i) => JSON.stringify(i)).join("\n") + "\n";
    const size = Buffer.byteLength(text, "utf8");
    return this.exclusive(async () => {
      if (this.bytesHeld + size > this.maxBytes) throw new SpillFullError(this.bytesHeld, this.maxBytes);
      const fh = await open(join(this.dir, CURRENT), "a", 0o600);
      try {
        await fh.writeFile(text, "utf8");
        await fh.datasync();
      } finally {
        await fh.close();
      }
      this.bytesHeld += size;
    });
  }

  /**
   * Writes every spilled item through `write` (one call per chunk of `chunk` items) and
   * deletes each file once all of it was written. Throws the first failure of `write`; what
   * was not deleted is replayed next time.
   */
  async replay(write: (items: T[]) => Promise<void>, chunk = 250): Promise<ReplayResult> {
    await this.exclusive(async () => {
      try {
        await rename(join(this.dir, CURRENT), join(this.dir, `replay-${Date.now()}-${this.seq++}.jsonl`));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      }
    });
    const result: ReplayResult = { written: 0, skipped: 0 };
    for (const name of this.files().filter((n) => n !== CURRENT)) {
      const path = join(this.dir, name);
      const size = statSync(path).size;
      let items: T[] = [];
      const input = createReadStream(path, "utf8");
      const lines = createInterface({ input, crlfDelay: Infinity });
      try {
        for await (const line of lines) {
          if (line === "") continue;
          const item = this.parse(line);
          if (item === undefined) {
            result.skipped++;
            continue;
          }
          items.push(item);
          if (items.length >= chunk) {
            await write(items);
            result.written += items.length;
            items = [];
          }
        }
      } finally {
        lines.close();
        input.destroy();
      }
      if (items.length > 0) {
        await write(items);
        result.written += items.length;
      }
      await unlink(path);
      this.bytesHeld = Math.max(0, this.bytesHeld - size);
    }
    return result;
  }

  private parse(line: string): T | undefined {
    try {
      const r = this.schema.safeParse(JSON.parse(line));
      return r.success ? r.data : undefined;
    } catch {
      return undefined;
    }
  }
}
