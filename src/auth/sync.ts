/**
 * Keeps the in-memory identity state (principals, memberships, grants, OAuth secrets,
 * cached tokens) in step with the store.
 *
 * In one process every change goes through `change()`: one at a time, written to the store
 * and then to memory, so a request sees the old state or the new one. Several replicas on
 * one store: each change also stamps a new `identity_version` in `meta` and is announced
 * (`announce`: a PostgreSQL NOTIFY), and a replica that hears of it calls `refresh()` —
 * so a revoked token or a removed grant is refused everywhere within milliseconds. The
 * stamp is the safety net: every replica also looks at it at most once per `checkMs` (in
 * the background, on the request path) and reloads everything when it differs, which is
 * all that replicas on one SQLite file have.
 */
import { randomUUID } from "node:crypto";
import type { Db } from "../store/index.js";

const VERSION_KEY = "identity_version";

export class IdentitySync {
  private version = "";
  private lastCheck = Date.now();
  private checking = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly reload: () => Promise<void>,
    private readonly checkMs = 5_000,
    private readonly announce: () => Promise<void> = async () => {},
  ) {}

  async start(): Promise<void> {
    await this.reload();
    this.version = (await this.read()) ?? "";
  }

  private async read(): Promise<string | undefined> {
    return (await this.db.selectFrom("meta").select("value").where("key", "=", VERSION_KEY).executeTakeFirst())?.value;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Runs a change of identity state, one at a time, and stamps a new version. */
  change<T>(fn: () => Promise<T>): Promise<T> {
    return this.serial(async () => {
      try {
        return await fn();
      } finally {
        const v = randomUUID();
        await this.db
          .insertInto("meta")
          .values({ key: VERSION_KEY, value: v })
          .onConflict((oc) => oc.column("key").doUpdateSet({ value: v }))
          .execute();
        this.version = v;
        await this.announce();
      }
    });
  }

  /** Reloads now if the store's version differs from the one held (told of a change, or a re-sync). */
  refresh(): Promise<void> {
    return this.serial(async () => {
      const v = await this.read();
      if (v !== undefined && v !== this.version) {
        await this.reload();
        this.version = v;
      }
    });
  }

  /** Cheap to call on every request: looks at the store's version at most once per `checkMs`. */
  poll(): void {
    const now = Date.now();
    if (this.checking || now - this.lastCheck < this.checkMs) return;
    this.checking = true;
    this.lastCheck = now;
    void this.serial(async () => {
      const v = await this.read();
      if (v !== undefined && v !== this.version) {
        await this.reload();
        this.version = v;
      }
    })
      .catch(() => undefined)
      .finally(() => (this.checking = false));
  }
}
