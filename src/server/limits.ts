/**
 * The edge's bounds on what one client may hold or send: deadlines for receiving a
 * request, caps on open connections, and the JSON nesting and element limits. Each is a
 * `tessera serve` flag and an environment variable (the flag wins); the defaults are
 * what a proxy facing the internet would use (nginx and Envoy were the model).
 *
 * @example
 *   const limits = resolveEdgeLimits({ idleTimeoutMs: 5_000 }, process.env);
 */

export interface EdgeLimits {
  /** The whole request, headers and body, must arrive within this (ms). */
  requestTimeoutMs: number;
  /** A request being received may go this long without a byte from the client (ms). */
  idleTimeoutMs: number;
  /** Most open connections in all; past it a new one is answered 503 and closed. */
  maxConnections: number;
  /** Most open connections from one client address; past it, 429 and closed. */
  maxConnectionsPerClient: number;
  /** Deepest nesting of arrays and objects in a JSON body. */
  maxJsonDepth: number;
  /** Most array items plus object members in a JSON body. */
  maxJsonElements: number;
}

export const DEFAULT_EDGE_LIMITS: EdgeLimits = {
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 10_000,
  maxConnections: 10_000,
  maxConnectionsPerClient: 2_000,
  maxJsonDepth: 128,
  maxJsonElements: 1_000_000,
};

interface Setting {
  key: keyof EdgeLimits;
  flag: string;
  env: string;
  min: number;
  max?: number;
}

/** The flag and environment variable of each limit (also what `tessera serve --help` lists). */
export const EDGE_SETTINGS: readonly Setting[] = [
  { key: "requestTimeoutMs", flag: "request-timeout-ms", env: "TESSERA_REQUEST_TIMEOUT_MS", min: 100 },
  { key: "idleTimeoutMs", flag: "idle-timeout-ms", env: "TESSERA_IDLE_TIMEOUT_MS", min: 100 },
  { key: "maxConnections", flag: "max-connections", env: "TESSERA_MAX_CONNECTIONS", min: 1 },
  { key: "maxConnectionsPerClient", flag: "max-connections-per-client", env: "TESSERA_MAX_CONNECTIONS_PER_CLIENT", min: 1 },
  // At most 1,000: deeper, the recursive walks behind the edge (JSON.stringify, zod, the
  // guardrails) come near the stack's end again, which is what the limit is there to prevent.
  { key: "maxJsonDepth", flag: "max-json-depth", env: "TESSERA_MAX_JSON_DEPTH", min: 2, max: 1000 },
  { key: "maxJsonElements", flag: "max-json-elements", env: "TESSERA_MAX_JSON_ELEMENTS", min: 16 },
];

/**
 * The limits to run with: each from `given` (flags, or a caller of `startRuntime`), else
 * its environment variable, else the default. A value that is not a whole number at least
 * the setting's minimum is refused with a message naming the flag.
 */
export function resolveEdgeLimits(given: Partial<EdgeLimits> = {}, env: NodeJS.ProcessEnv = {}): EdgeLimits {
  const out: EdgeLimits = { ...DEFAULT_EDGE_LIMITS };
  for (const s of EDGE_SETTINGS) {
    const raw = given[s.key] ?? env[s.env];
    if (raw === undefined || raw === "") continue;
    const v = typeof raw === "number" ? raw : Number(raw);
    if (!Number.isInteger(v) || v < s.min || (s.max !== undefined && v > s.max)) {
      const range = s.max === undefined ? `of at least ${s.min}` : `from ${s.min} to ${s.max}`;
      throw new Error(`--${s.flag} (${s.env}) must be a whole number ${range}; got ${String(raw)}.`);
    }
    out[s.key] = v;
  }
  return out;
}
