/**
 * The router: which served entity answers. Without fallbacks, the one the traffic split
 * picks. (Fallbacks, retries with backoff and per-entity circuit breakers plug in here.)
 */
import type { CallContext } from "../providers/provider.js";
import { pickEntity, type LiveEndpoint } from "./live-endpoints.js";
import type { EntityCall, Router } from "./policies.js";

export class TrafficRouter implements Router {
  async route<T>(endpoint: LiveEndpoint, _fallback: boolean, call: EntityCall<T>, _ctx: CallContext) {
    const entity = pickEntity(endpoint);
    return { entity, value: await call(entity) };
  }
}
