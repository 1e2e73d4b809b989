/**
 * Small helpers for provider config parsing shared by the OpenAI-shaped providers:
 * reading optional strings and checking URLs, each problem naming its field.
 */
import type { JsonObject } from "../../gateway/types.js";
import type { ConfigIssue } from "../provider.js";

export class ConfigReader {
  readonly issues: ConfigIssue[] = [];
  constructor(private readonly raw: JsonObject) {}

  /** An optional string field; a present non-string is an issue. */
  string(field: string): string | undefined {
    const v = this.raw[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string" || v.trim() === "") {
      this.issues.push({ field, message: `must be a non-empty string` });
      return undefined;
    }
    return v;
  }

  /** A required string field. */
  required(field: string): string | undefined {
    const v = this.string(field);
    if (v === undefined && !this.issues.some((i) => i.field === field)) this.issues.push({ field, message: "is required" });
    return v;
  }

  /** An optional http(s) URL field. */
  url(field: string): string | undefined {
    const v = this.string(field);
    if (v === undefined) return undefined;
    try {
      const u = new URL(v);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("scheme");
    } catch {
      this.issues.push({ field, message: "must be an http(s) URL" });
      return undefined;
    }
    return v;
  }

  /** One of a fixed set of values. */
  oneOf<T extends string>(field: string, values: readonly T[], fallback: T): T {
    const v = this.string(field);
    if (v === undefined) return fallback;
    if (!(values as readonly string[]).includes(v)) {
      this.issues.push({ field, message: `must be one of ${values.join(", ")}` });
      return fallback;
    }
    return v as T;
  }

  /** Fails unless the credential was given. */
  requireCredential(field: string, has: (f: string) => boolean): void {
    if (!has(field)) this.issues.push({ field, message: `is required: give ${field} (a secret reference) or ${field}_plaintext` });
  }

  result<C>(config: C): { config: C } | { issues: ConfigIssue[] } {
    return this.issues.length ? { issues: this.issues } : { config };
  }
}
