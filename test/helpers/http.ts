/** A tiny JSON client for tests that records every response body it saw. */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export class Client {
  /** Every response body received, to assert that none holds a secret. */
  readonly seen: string[] = [];
  constructor(
    readonly base: string,
    private readonly auth: string | undefined,
  ) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const h: Record<string, string> = { ...headers };
    if (this.auth && !("authorization" in h)) h["authorization"] = this.auth;
    if (body !== undefined && !("content-type" in h)) h["content-type"] = "application/json";
    const res = await fetch(this.base + path, {
      method,
      headers: h,
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    this.seen.push(text, JSON.stringify([...res.headers]));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }
}

export function bearer(token: string): string {
  return `Bearer ${token}`;
}

export function basic(token: string): string {
  return `Basic ${Buffer.from(`token:${token}`).toString("base64")}`;
}
