/**
 * Usage, inference-table export and metrics routes. (Filled in by the usage work;
 * registered by the app.)
 */
import type { FastifyInstance } from "fastify";
import type { AccessControl } from "../../auth/index.js";
import type { UsageService } from "../../usage/index.js";

export function usageRoutes(_app: FastifyInstance, _deps: { usage: UsageService; access: AccessControl }): void {}
