/**
 * The LISTEN side of change notices: one dedicated connection (not from the pool — a
 * pooled client would be handed to queries) that LISTENs on the store's channel and
 * reconnects with backoff when it is cut. Notices sent while it was away are lost, so each
 * reconnect asks the listener to re-sync everything.
 */
import pg from "pg";
import type { ChangeListener, StoreChange } from "../store.js";

interface Log {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/** The wire form of a notice: who sent it (to skip one's own) and the change. */
export interface Notice {
  origin: string;
  change: StoreChange;
}

function parseNotice(payload: string | undefined): Notice | undefined {
  if (!payload) return undefined;
  try {
    const v = JSON.parse(payload) as Partial<Notice>;
    const c = v.change as Partial<StoreChange> | undefined;
    if (typeof v.origin !== "string" || !c || typeof c.kind !== "string") return undefined;
    return v as Notice;
  } catch {
    return undefined;
  }
}

const MAX_BACKOFF_MS = 10_000;

export class ChangeChannel {
  private readonly listeners: ChangeListener[] = [];
  private client: pg.Client | undefined;
  private closed = false;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
    private readonly origin: string,
    private readonly log: Log,
  ) {}

  add(listener: ChangeListener): void {
    this.listeners.push(listener);
    if (!this.client && !this.connecting && !this.timer) this.connecting = this.connect(false);
  }

  private async connect(isRetry: boolean): Promise<void> {
    const client = new pg.Client(this.config);
    client.on("error", () => this.lost(client));
    client.on("end", () => this.lost(client));
    client.on("notification", (n) => {
      if (n.channel !== this.channel) return;
      const notice = parseNotice(n.payload);
      if (!notice || notice.origin === this.origin) return;
      for (const l of this.listeners) l.changed(notice.change);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      if (isRetry) {
        this.log.info({ channel: this.channel }, "store change channel is back; re-syncing");
        for (const l of this.listeners) l.resync();
      }
      this.failures = 0;
    } catch {
      client.removeAllListeners("end");
      await client.end().catch(() => undefined);
      this.retry();
    } finally {
      this.connecting = undefined;
    }
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    if (!this.closed) {
      this.log.warn({ channel: this.channel }, "store change channel lost; reconnecting");
      this.retry();
    }
  }

  private retry(): void {
    if (this.closed || this.timer) return;
    this.failures++;
    const wait = Math.min(MAX_BACKOFF_MS, 250 * 2 ** (this.failures - 1));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connecting = this.connect(true);
    }, wait);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.connecting;
    const c = this.client;
    this.client = undefined;
    if (c) await c.end().catch(() => undefined);
  }
}

export function encodeNotice(origin: string, change: StoreChange): string {
  return JSON.stringify({ origin, change } satisfies Notice);
}
