/**
 * The Vertex AI model provider: chat (whole and streamed) on Gemini's `generateContent` /
 * `streamGenerateContent?alt=sse`, completions on top of chat, embeddings on a
 * text-embedding model's `predict`. Every call carries a Google OAuth access token from
 * the service-account key; a 401 from Vertex drops that token so the next call signs in
 * again.
 */
import type { Dispatcher } from "undici";
import type { ChatChunk, ChatCompletion, ChatRequest, EmbeddingsRequest, EmbeddingsResponse, JsonObject } from "../../gateway/types.js";
import { GatewayError } from "../../gateway/errors.js";
import { ChunkFactory, newId } from "../common/chunks.js";
import { completionsViaChat } from "../common/completions-via-chat.js";
import { postUpstream, readJson, type UpstreamResponse } from "../common/http.js";
import { sseMessages } from "../common/sse-events.js";
import type { CallContext, ChunkStream, ModelProvider } from "../provider.js";
import { readGenerateContentResponse, readPredictResponse } from "./api.js";
import { convertChatRequest } from "./convert-request.js";
import { convertResponse } from "./convert-response.js";
import { convertStream } from "./convert-stream.js";
import { convertEmbeddingsRequest, convertEmbeddingsResponse } from "./embeddings.js";
import { PROVIDER_NAME, vertexErrors } from "./errors.js";
import type { GoogleTokenSource } from "./token-source.js";

export interface VertexTarget {
  /** API origin, no trailing slash. */
  apiBase: string;
  project: string;
  region: string;
  model: string;
  /** The entity's dispatcher (proxy, TLS), else the shared agent. */
  dispatcher?: Dispatcher | undefined;
}

type Method = "generateContent" | "streamGenerateContent" | "predict";

/** `{base}/v1/projects/{p}/locations/{r}/publishers/google/models/{m}:{method}`. */
export function modelUrl(t: VertexTarget, method: Method): string {
  const path = `v1/projects/${encodeURIComponent(t.project)}/locations/${encodeURIComponent(t.region)}/publishers/google/models/${encodeURIComponent(t.model)}`;
  return `${t.apiBase}/${path}:${method}${method === "streamGenerateContent" ? "?alt=sse" : ""}`;
}

/**
 * Destroys the upstream body however the consumer leaves. The first chunks (one role
 * chunk per candidate) are yielded before the SSE reader starts, and a generator that was
 * never started cannot run its cleanup; so a consumer leaving after the first chunk must
 * release the body here.
 */
async function* releasing<T>(res: UpstreamResponse, chunks: AsyncGenerator<T, void, undefined>): AsyncGenerator<T, void, undefined> {
  try {
    yield* chunks;
  } finally {
    if (!res.body.destroyed) res.body.destroy();
  }
}

export function createVertexProvider(target: VertexTarget, tokens: GoogleTokenSource): ModelProvider {
  async function post(method: Method, body: JsonObject, ctx: CallContext): Promise<UpstreamResponse> {
    const token = await tokens.get();
    try {
      return await postUpstream({
        dispatcher: target.dispatcher,
        provider: PROVIDER_NAME,
        url: modelUrl(target, method),
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          accept: method === "streamGenerateContent" ? "text/event-stream" : "application/json",
        },
        body: JSON.stringify(body),
        signal: ctx.signal,
        secrets: [...tokens.secrets, token],
        errors: vertexErrors,
        limits: ctx.upstream,
      });
    } catch (err) {
      if (err instanceof GatewayError && err.upstream?.status === 401) tokens.invalidate(token);
      throw err;
    }
  }

  const chat = async (req: ChatRequest, ctx: CallContext): Promise<ChatCompletion> => {
    const { body, candidates } = convertChatRequest(req);
    const res = await post("generateContent", body, ctx);
    return convertResponse(readGenerateContentResponse(await readJson(res, PROVIDER_NAME)), target.model, candidates);
  };

  const chatStream = async (req: ChatRequest, ctx: CallContext): Promise<ChunkStream<ChatChunk>> => {
    const { body, candidates } = convertChatRequest(req);
    const res = await post("streamGenerateContent", body, ctx);
    const factory = new ChunkFactory(newId("chatcmpl-"), target.model);
    return releasing(res, convertStream(sseMessages(res, PROVIDER_NAME, ctx.signal), factory, candidates));
  };

  const embed = async (req: EmbeddingsRequest, ctx: CallContext): Promise<EmbeddingsResponse> => {
    const { body, count } = convertEmbeddingsRequest(req);
    const res = await post("predict", body, ctx);
    return convertEmbeddingsResponse(readPredictResponse(await readJson(res, PROVIDER_NAME), count), target.model);
  };

  return { chat, chatStream, ...completionsViaChat({ chat, chatStream }), embed };
}
