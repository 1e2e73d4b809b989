/**
 * Helpers shared by the provider tests in src/providers/: reading parseConfig results,
 * a call context, catching a GatewayError, and draining a stream.
 */
import assert from "node:assert/strict";
import { GatewayError } from "../src/gateway/errors.js";
import type { ChatChunk } from "../src/gateway/types.js";
import type { CallContext, ConfigIssue } from "../src/providers/provider.js";

export type Parsed<C> = { config: C } | { issues: ConfigIssue[] };

/** The parsed config; fails the test on issues. */
export function configOf<C>(r: Parsed<C>): C {
  if ("issues" in r) assert.fail(`unexpected issues: ${JSON.stringify(r.issues)}`);
  return r.config;
}

/** The sorted fields of the issues; fails the test when there are none. */
export function fieldsOf<C>(r: Parsed<C>): string[] {
  if (!("issues" in r)) assert.fail("expected config issues");
  return r.issues.map((i) => i.field).sort();
}

/** A `hasCredential` callback for the given credential fields. */
export const has =
  (...given: string[]) =>
  (f: string): boolean =>
    given.includes(f);

export function ctx(signal: AbortSignal = new AbortController().signal): CallContext {
  return { signal, requestId: "t" };
}

/** The GatewayError a promise rejects with; fails the test otherwise. */
export async function gatewayError(p: Promise<unknown>): Promise<GatewayError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof GatewayError, `expected a GatewayError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected a rejection");
}

export async function drain<T>(s: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const c of s) out.push(c);
  return out;
}

/** The text of a chat stream's first choice. */
export const text = (chunks: readonly ChatChunk[]): string => chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
