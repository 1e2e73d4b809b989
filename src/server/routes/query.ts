/**
 * The data-plane handler shared by `invocations` and the OpenAI-compatible routes: run
 * the pipeline, then answer with JSON or an SSE stream. A client that goes away aborts the
 * upstream call.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Gateway } from "../../gateway/pipeline.js";
import type { Task } from "../../gateway/types.js";
import { errorBody, toGatewayError, type RouteFamily } from "../errors.js";
import { callerOf } from "../auth.js";
import { errors } from "../../gateway/errors.js";
import { writeSse } from "../sse.js";
import { clientAbort } from "../client-abort.js";

export interface QueryDeps {
  gateway: Gateway;
  bodyLimit: number;
}

export async function handleQuery(
  deps: QueryDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  endpoint: string,
  family: RouteFamily,
  task?: Task,
): Promise<void> {
  const ac = clientAbort(reply.raw);
  const raw = reply.raw;
  let result;
  try {
    result = await deps.gateway.query({
      endpoint,
      body: request.body,
      ...(task ? { task } : {}),
      caller: callerOf(request),
      ctx: { signal: ac.signal, onAbort: ac.onAbort, requestId: request.id },
    });
  } catch (err) {
    // The client went away before the upstream answered: the upstream call was cancelled
    // on purpose and there is no one to answer. Not an error of ours.
    if (ac.signal.aborted) {
      request.log.debug({ endpoint }, "client disconnected before the upstream answered");
      reply.hijack();
      raw.destroy();
      return;
    }
    throw err;
  }
  if (result.kind === "response") {
    reply.header("served-model-name", result.entity.name);
    return reply.send(result.response);
  }
  // Pass-through answers come only to the ingress routes that ask for them (server/ingress/).
  if (result.kind !== "stream") throw errors.internal("A pass-through answer reached a route that asked for none.");
  reply.hijack();
  const outcome = await writeSse({
    res: raw,
    headers: { "served-model-name": result.entity.name, "x-request-id": request.id },
    chunks: result.chunks,
    signal: ac.signal,
    renderError: (err) => {
      const { error } = toGatewayError(err, deps.bodyLimit);
      return { body: errorBody(error, family, request.id), error };
    },
  });
  if (!outcome.ok && !ac.signal.aborted) {
    const { error, internal } = toGatewayError(outcome.error, deps.bodyLimit);
    request.log[internal ? "error" : "warn"]({ err: internal ? outcome.error : undefined, code: error.kind.code, endpoint }, "stream ended with an error");
  }
}
