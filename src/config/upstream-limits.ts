/**
 * `external_model.upstream_limits` (a Tessera extension): one served entity's upstream
 * deadlines and bounds, each overriding the process-wide default (`TESSERA_UPSTREAM_*`,
 * see docs/providers.md "Upstream timeouts and bounds") for calls to that entity only.
 *
 * @example
 *   "upstream_limits": {"first_byte_timeout_ms": 60000, "total_timeout_ms": 120000}
 */
import { z } from "zod";
import type { UpstreamLimits } from "../providers/common/limits.js";
import { parseWith } from "./ai-gateway.js";

const ms = () => z.number().int().positive().max(24 * 3600 * 1000).optional();
const bytes = () => z.number().int().positive().max(1024 * 1024 * 1024).optional();

export const upstreamLimitsSchema = z.lazy(() =>
  z.strictObject({
    connect_timeout_ms: ms(),
    first_byte_timeout_ms: ms(),
    idle_timeout_ms: ms(),
    total_timeout_ms: ms(),
    max_response_bytes: bytes(),
    max_event_bytes: bytes(),
  }),
);

export type UpstreamLimitsInput = z.infer<typeof upstreamLimitsSchema>;

/** Checks the block (a 400 naming the field at fault); undefined when it is absent. */
export function parseUpstreamLimits(raw: unknown, at: string): UpstreamLimitsInput | undefined {
  if (raw === undefined || raw === null) return undefined;
  return parseWith(upstreamLimitsSchema, raw, at);
}

/** The limits an entity's calls run with: its own where it sets them, the defaults elsewhere. */
export function entityLimits(input: UpstreamLimitsInput, defaults: UpstreamLimits): UpstreamLimits {
  return {
    connectMs: input.connect_timeout_ms ?? defaults.connectMs,
    firstByteMs: input.first_byte_timeout_ms ?? defaults.firstByteMs,
    idleMs: input.idle_timeout_ms ?? defaults.idleMs,
    totalMs: input.total_timeout_ms ?? defaults.totalMs,
    maxResponseBytes: input.max_response_bytes ?? defaults.maxResponseBytes,
    maxEventBytes: input.max_event_bytes ?? defaults.maxEventBytes,
  };
}
