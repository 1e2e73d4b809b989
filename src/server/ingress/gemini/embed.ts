/**
 * Gemini's embeddings methods on an embeddings endpoint, whatever its provider:
 * `:embedContent` (`{content}` → `{embedding:{values}}`) and `:batchEmbedContents`
 * (`{requests:[{content}]}` → `{embeddings:[{values}]}`, what `@google/genai`'s
 * `models.embedContent` calls). Each content's text parts, joined, is one input of a
 * canonical embeddings request; `outputDimensionality` → `dimensions`. `taskType` and
 * `title` have no canonical equivalent and are refused by name.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { errors } from "../../../gateway/errors.js";
import type { EmbeddingsRequest, EmbeddingsResponse, JsonObject } from "../../../gateway/types.js";
import { callerOf } from "../../auth.js";
import type { QueryDeps } from "../../routes/query.js";
import { parseBody, unsupported } from "../parse.js";
import { clientAbort } from "../../client-abort.js";

const embedOne = z.looseObject({
  content: z.looseObject({ parts: z.array(z.looseObject({ text: z.string().optional() })).min(1) }),
  taskType: z.string().optional(),
  title: z.string().optional(),
  outputDimensionality: z.number().int().min(1).optional(),
});

const embedSchema = z.lazy(() => embedOne);
const batchSchema = z.lazy(() => z.looseObject({ requests: z.array(embedOne).min(1) }));

type EmbedOne = z.infer<typeof embedOne>;

function textOf(r: EmbedOne, at: string): string {
  if (r.taskType !== undefined && r.taskType !== "TASK_TYPE_UNSPECIFIED") throw unsupported(`${at}taskType`, `task type '${r.taskType}'`);
  if (r.title !== undefined) throw unsupported(`${at}title`, "a document title");
  r.content.parts.forEach((p, j) => {
    if (typeof p.text !== "string") throw unsupported(`${at}content.parts[${j}]`, "a part other than text");
  });
  return r.content.parts.map((p) => p.text ?? "").join("\n");
}

async function embed(deps: QueryDeps, request: FastifyRequest, reply: FastifyReply, endpoint: string, items: EmbedOne[], at: (i: number) => string): Promise<number[][]> {
  const dims = new Set(items.map((r) => r.outputDimensionality));
  if (dims.size > 1) throw errors.invalidParameter("requests", "Every request of a batch must ask for the same 'outputDimensionality'.");
  const body: EmbeddingsRequest = { model: endpoint, input: items.map((r, i) => textOf(r, at(i))), usage_context: { ingress: "gemini" } };
  const d = items[0]?.outputDimensionality;
  if (d !== undefined) body["dimensions"] = d;
  // The client going away (the response closing before it was written) cancels the upstream call.
  const ac = clientAbort(reply.raw);
  const result = await deps.gateway.query({ endpoint, body, task: "llm/v1/embeddings", caller: callerOf(request), ctx: { signal: ac.signal, onAbort: ac.onAbort, requestId: request.id } });
  if (result.kind !== "response") throw errors.internal("An embeddings request was answered with a stream.");
  const res = result.response as EmbeddingsResponse;
  return [...res.data].sort((a, b) => a.index - b.index).map((e) => (Array.isArray(e.embedding) ? e.embedding : []));
}

export async function embedContent(deps: QueryDeps, request: FastifyRequest, reply: FastifyReply, endpoint: string): Promise<JsonObject> {
  const req = parseBody(embedSchema, request.body);
  const [values] = await embed(deps, request, reply, endpoint, [req], () => "");
  return { embedding: { values: values ?? [] } };
}

export async function batchEmbedContents(deps: QueryDeps, request: FastifyRequest, reply: FastifyReply, endpoint: string): Promise<JsonObject> {
  const req = parseBody(batchSchema, request.body);
  const all = await embed(deps, request, reply, endpoint, req.requests, (i) => `requests[${i}].`);
  return { embeddings: all.map((values) => ({ values })) };
}
