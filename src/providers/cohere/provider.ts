/**
 * The Cohere `ModelProvider`: one upstream call per operation, converted both ways.
 * Which operations exist depends on the served entity's task.
 */
import type { Dispatcher } from "undici";
import type { ChatRequest, EmbeddingsRequest, JsonObject, Task } from "../../gateway/types.js";
import { completionsViaChat, postUpstream, readJson, type UpstreamResponse } from "../common/index.js";
import type { CallContext, ModelProvider } from "../provider.js";
import { cohereUrl } from "./config.js";
import { toCohereChatBody } from "./convert-request.js";
import { fromCohereChat } from "./convert-response.js";
import { cohereChunks } from "./convert-stream.js";
import { fromCohereEmbed, toCohereEmbedBody } from "./embed.js";
import { cohereErrors, PROVIDER } from "./errors.js";

export interface CohereProviderOptions {
  model: string;
  task: Task;
  base: string;
  apiKey: string;
  /** The entity's dispatcher (proxy, TLS), else the shared agent. */
  dispatcher?: Dispatcher | undefined;
}

/** Builds the provider for one served entity. */
export function createCohereProvider(o: CohereProviderOptions): ModelProvider {
  const secrets = [o.apiKey];
  const chatUrl = cohereUrl(o.base, "chat");
  const embedUrl = cohereUrl(o.base, "embed");
  const post = (url: string, body: JsonObject, stream: boolean, ctx: CallContext): Promise<UpstreamResponse> =>
    postUpstream({
      dispatcher: o.dispatcher,
      provider: PROVIDER,
      url,
      headers: {
        authorization: `Bearer ${o.apiKey}`,
        "content-type": "application/json",
        accept: stream ? "text/event-stream" : "application/json",
      },
      body: JSON.stringify(body),
      signal: ctx.signal,
      secrets,
      errors: cohereErrors,
      limits: ctx.upstream,
    });

  const chat = {
    async chat(req: ChatRequest, ctx: CallContext) {
      const res = await post(chatUrl, toCohereChatBody(req, o.model, false), false, ctx);
      return fromCohereChat(await readJson(res, PROVIDER), o.model, secrets);
    },
    async chatStream(req: ChatRequest, ctx: CallContext) {
      const res = await post(chatUrl, toCohereChatBody(req, o.model, true), true, ctx);
      return cohereChunks(res, { model: o.model, signal: ctx.signal, secrets });
    },
  };

  switch (o.task) {
    case "llm/v1/chat":
      return chat;
    case "llm/v1/completions":
      return completionsViaChat(chat);
    case "llm/v1/embeddings":
      return {
        async embed(req: EmbeddingsRequest, ctx: CallContext) {
          const body = toCohereEmbedBody(req, o.model);
          const res = await post(embedUrl, body, false, ctx);
          return fromCohereEmbed(await readJson(res, PROVIDER), o.model, (body["texts"] as string[]).length);
        },
      };
  }
}
