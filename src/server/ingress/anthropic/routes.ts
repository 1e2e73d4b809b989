/**
 * The Anthropic Messages API on the way in, for every chat endpoint whatever its provider:
 * `POST /serving-endpoints/anthropic/v1/messages` (what `Anthropic({ baseURL:
 * "<host>/serving-endpoints/anthropic" })` calls), the same at `/v1/messages`, and
 * `…/v1/messages/count_tokens`. `model` names the serving endpoint. The
 * `anthropic-version` and `anthropic-beta` headers are accepted.
 *
 * Every request is decoded into the canonical form (every policy reads that), and also
 * offered as it came: an entity whose provider takes the Messages API as it is (an
 * `anthropic` endpoint) gets the native body and headers forwarded, and its native answer
 * or events come back unchanged; any other entity gets the translation, or a 400 naming a
 * feature the translation cannot carry.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { promptTokenEstimate } from "../../../gateway/estimate.js";
import { errors } from "../../../gateway/errors.js";
import { callerOf } from "../../auth.js";
import type { QueryDeps } from "../../routes/query.js";
import { handleChatIngress, ingressScope } from "../handler.js";
import { MESSAGES_FORMAT } from "../../../providers/anthropic/index.js";
import type { JsonObject } from "../../../gateway/types.js";
import { parseBody, Untranslatable } from "../parse.js";
import { countTokensRequestSchema, messagesRequestSchema } from "./api.js";
import { countTokensCanonical, toCanonical } from "./decode.js";
import { toAnthropicMessage } from "./encode.js";
import { anthropicError } from "./errors.js";
import { anthropicEvents, anthropicFraming } from "./stream.js";

/** The `usage_context.ingress` of calls made through this API, and the format a pass-through provider declares. */
export const ANTHROPIC_INGRESS = MESSAGES_FORMAT;

/** The client's headers of the Messages API that a pass-through forwards. */
const FORWARDED = ["anthropic-version", "anthropic-beta"] as const;

function forwardedHeaders(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of FORWARDED) {
    const v = request.headers[h];
    if (typeof v === "string" && v) out[h] = v;
    else if (Array.isArray(v) && v.length) out[h] = v.join(",");
  }
  return out;
}

/** Where the Messages API is served (the SDK appends `/v1/messages` to its base URL). */
export const ANTHROPIC_PREFIXES = ["/serving-endpoints/anthropic/v1", "/v1"] as const;

async function messages(deps: QueryDeps, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const req = parseBody(messagesRequestSchema, request.body);
  const u = new Untranslatable();
  const body = toCanonical(req, ANTHROPIC_INGRESS, u);
  const start = { model: req.model, inputEstimate: promptTokenEstimate(body) };
  await handleChatIngress(deps, request, reply, {
    endpoint: req.model,
    body,
    encode: (res) => toAnthropicMessage(res, req.model),
    events: (chunks) => anthropicEvents(chunks, start),
    framing: anthropicFraming,
    render: anthropicError,
    native: {
      request: { format: MESSAGES_FORMAT, body: request.body as JsonObject, headers: forwardedHeaders(request), stream: req.stream === true },
      untranslatable: u.first,
    },
  });
}

/**
 * `count_tokens`: the gateway's estimate of what the model would read (the same rule the
 * rate limiter reserves by), once the caller may query the endpoint. No model is called.
 */
async function countTokens(deps: QueryDeps, request: FastifyRequest): Promise<{ input_tokens: number }> {
  const req = parseBody(countTokensRequestSchema, request.body);
  const ep = await deps.gateway.queryable(req.model, callerOf(request));
  if (ep.task !== "llm/v1/chat") throw errors.badRequest(`Endpoint '${ep.name}' serves ${ep.task}; the Messages API needs a chat endpoint.`, "model");
  const u = new Untranslatable();
  const canonical = countTokensCanonical(req, u);
  // An estimate that left a block out would be an undercount: refused by name instead.
  u.throwIfAny();
  return { input_tokens: promptTokenEstimate(canonical) };
}

export function anthropicRoutes(app: FastifyInstance, deps: QueryDeps): void {
  ingressScope(app, deps.bodyLimit, anthropicError, (scope) => {
    for (const prefix of ANTHROPIC_PREFIXES) {
      scope.post(`${prefix}/messages`, (request, reply) => messages(deps, request, reply));
      scope.post(`${prefix}/messages/count_tokens`, (request) => countTokens(deps, request));
    }
  });
}
