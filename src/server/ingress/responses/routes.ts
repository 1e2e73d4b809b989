/**
 * The OpenAI Responses API on the way in, for every chat endpoint whatever its provider:
 * `POST /serving-endpoints/responses` (the OpenAI SDK with `baseURL:
 * "<host>/serving-endpoints"`), `/v1/responses`, and the same handler at
 * `/serving-endpoints/open-responses` (Databricks' cross-provider route). `model` names
 * the serving endpoint. Stateless: nothing is stored, so there is no `GET /responses/{id}`.
 * Errors are OpenAI's shape.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { toGatewayError, errorBody } from "../../errors.js";
import type { QueryDeps } from "../../routes/query.js";
import { handleChatIngress, ingressScope, type ErrorRenderer } from "../handler.js";
import { parseBody } from "../parse.js";
import { responsesRequestSchema } from "./api.js";
import { toCanonical } from "./decode.js";
import { newBase, toResponse } from "./encode.js";
import { responsesEvents, responsesFraming } from "./stream.js";

/** Paths and the `usage_context.ingress` each records. */
const ROUTES: ReadonlyArray<[string, string]> = [
  ["/serving-endpoints/responses", "openai-responses"],
  ["/v1/responses", "openai-responses"],
  ["/serving-endpoints/open-responses", "open-responses"],
];

const render: ErrorRenderer = (err, requestId) => ({ status: err.status, body: errorBody(err, "openai", requestId) });

async function responses(deps: QueryDeps, ingress: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const req = parseBody(responsesRequestSchema, request.body);
  const body = toCanonical(req, ingress);
  const fail = (err: unknown) => {
    const { error } = toGatewayError(err, deps.bodyLimit);
    return { code: error.openaiCode ?? error.kind.errorCode.toLowerCase(), message: error.message };
  };
  await handleChatIngress(deps, request, reply, {
    endpoint: req.model,
    body,
    encode: (res) => toResponse(res, req),
    events: (chunks) => responsesEvents(chunks, newBase(req), fail),
    framing: responsesFraming,
    render,
  });
}

export function responsesRoutes(app: FastifyInstance, deps: QueryDeps): void {
  ingressScope(app, deps.bodyLimit, render, (scope) => {
    for (const [path, ingress] of ROUTES) scope.post(path, (request, reply) => responses(deps, ingress, request, reply));
  });
}
