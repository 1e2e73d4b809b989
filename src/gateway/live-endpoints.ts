/**
 * The endpoints that are serving right now, by name: each with its providers built and
 * its credentials resolved, so the hot path does no lookups beyond one Map get. An update
 * swaps the whole entry at once, so a request sees the old config or the new, never a mix.
 */
import type { AiGatewayConfig } from "../config/ai-gateway.js";
import type { UpstreamLimits } from "../providers/common/limits.js";
import type { ModelProvider } from "../providers/provider.js";
import type { SecretRef } from "../secrets/index.js";
import type { Task } from "./types.js";

export interface LiveEntity {
  name: string;
  /** `external_model.name`. */
  model: string;
  provider: ModelProvider;
  /** Its upstream deadlines and bounds, when its config sets any (else the process-wide defaults). */
  limits?: UpstreamLimits;
  /** Whether the hosted-model image limits apply to requests it serves (gateway/images). */
  imageLimits?: boolean;
  /** Releases what was built for it besides the provider (its network dispatcher), once it no longer serves. */
  release?: () => Promise<void>;
}

export interface LiveEndpoint {
  id: string;
  name: string;
  task: Task;
  entities: LiveEntity[];
  /** Cumulative upper bounds (0..100) for the weighted choice, one per routed entity. */
  routes: Array<{ entity: LiveEntity; upTo: number }>;
  /** Secret references the config uses, to find the endpoints a secret change affects. */
  refs: SecretRef[];
  /** Set when the endpoint could not be built (e.g. a secret it needs is gone). */
  unavailable?: string;
  /** The endpoint's AI gateway config (rate limits, guardrails, usage, inference tables, fallbacks). */
  aiGateway?: AiGatewayConfig;
}

/** Weighted choice by `traffic_percentage`; `random` is injectable for tests. */
export function pickEntity(ep: LiveEndpoint, random: () => number = Math.random): LiveEntity {
  const routes = ep.routes;
  if (routes.length === 1) return (routes[0] as { entity: LiveEntity }).entity;
  const x = random() * 100;
  for (const r of routes) if (x < r.upTo) return r.entity;
  return (routes[routes.length - 1] as { entity: LiveEntity }).entity;
}

/** Builds the cumulative route table; entities with 0% are never picked. */
export function buildRoutes(entities: LiveEntity[], routes: Array<{ served_entity_name: string; traffic_percentage: number }>) {
  const out: Array<{ entity: LiveEntity; upTo: number }> = [];
  let acc = 0;
  for (const r of routes) {
    if (r.traffic_percentage <= 0) continue;
    const entity = entities.find((e) => e.name === r.served_entity_name);
    if (!entity) continue;
    acc += r.traffic_percentage;
    out.push({ entity, upTo: acc });
  }
  return out;
}

export class LiveEndpoints {
  private readonly byName = new Map<string, LiveEndpoint>();

  get(name: string): LiveEndpoint | undefined {
    return this.byName.get(name);
  }

  set(ep: LiveEndpoint): LiveEndpoint | undefined {
    const old = this.byName.get(ep.name);
    this.byName.set(ep.name, ep);
    return old;
  }

  delete(name: string): LiveEndpoint | undefined {
    const old = this.byName.get(name);
    this.byName.delete(name);
    return old;
  }

  all(): LiveEndpoint[] {
    return [...this.byName.values()];
  }
}
