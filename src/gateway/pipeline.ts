/**
 * The request pipeline: endpoint lookup → request check → traffic split → provider call.
 * AI gateway steps (permissions, rate limits, guardrails, usage, fallbacks) plug in here
 * as steps of one job each. The pipeline returns typed values; the server encodes them.
 */
import type { CallContext, ChunkStream } from "../providers/provider.js";
import { errors } from "./errors.js";
import { pickEntity, type LiveEndpoint, type LiveEndpoints, type LiveEntity } from "./live-endpoints.js";
import type { AnyChunk, AnyResponse, ChatRequest, CompletionRequest, EmbeddingsRequest, Task } from "./types.js";
import { validateRequest } from "./validate-request.js";

export interface QueryInput {
  endpoint: string;
  body: unknown;
  /** The task the route implies (OpenAI routes); undefined on `invocations`, which takes the endpoint's. */
  task?: Task;
  ctx: CallContext;
}

export type QueryResult =
  | { kind: "response"; entity: LiveEntity; response: AnyResponse }
  | { kind: "stream"; entity: LiveEntity; chunks: ChunkStream<AnyChunk> };

const ROUTE_OF_TASK: Record<Task, string> = {
  "llm/v1/chat": "/chat/completions",
  "llm/v1/completions": "/completions",
  "llm/v1/embeddings": "/embeddings",
};

export class Gateway {
  constructor(private readonly live: LiveEndpoints) {}

  /** The serving endpoint by name, or a 404 in Databricks' words. */
  endpoint(name: string): LiveEndpoint {
    const ep = this.live.get(name);
    if (!ep) throw errors.notFound(`Endpoint with name '${name}' does not exist.`);
    return ep;
  }

  /** Names and tasks of the endpoints serving now (for `GET /models`). */
  endpoints(): Array<{ name: string; task: Task }> {
    return this.live.all().map((e) => ({ name: e.name, task: e.task }));
  }

  async query(input: QueryInput): Promise<QueryResult> {
    const ep = this.endpoint(input.endpoint);
    if (input.task && input.task !== ep.task) {
      throw errors.badRequest(`Endpoint '${ep.name}' serves ${ep.task}; send this request to ${ROUTE_OF_TASK[ep.task]}.`, "model");
    }
    if (ep.unavailable) throw errors.unavailable(`Endpoint '${ep.name}' is not ready: ${ep.unavailable}`);
    const body = validateRequest(ep.task, input.body);
    const stream = body["stream"] === true;
    const entity = pickEntity(ep);
    const p = entity.provider;
    const ctx = input.ctx;
    switch (ep.task) {
      case "llm/v1/chat": {
        const req = body as ChatRequest;
        if (stream && p.chatStream) return { kind: "stream", entity, chunks: await p.chatStream(req, ctx) };
        if (!p.chat) break;
        return { kind: "response", entity, response: await p.chat(req, ctx) };
      }
      case "llm/v1/completions": {
        const req = body as CompletionRequest;
        if (stream && p.completeStream) return { kind: "stream", entity, chunks: await p.completeStream(req, ctx) };
        if (!p.complete) break;
        return { kind: "response", entity, response: await p.complete(req, ctx) };
      }
      case "llm/v1/embeddings": {
        if (stream) throw errors.invalidParameter("stream", "Embeddings endpoints do not stream.");
        if (!p.embed) break;
        return { kind: "response", entity, response: await p.embed(body as EmbeddingsRequest, ctx) };
      }
    }
    throw errors.badRequest(`Served entity '${entity.name}' cannot answer ${stream ? "streaming " : ""}${ep.task} requests.`);
  }
}
