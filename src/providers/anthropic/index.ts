/**
 * `anthropic`: Claude through the Anthropic Messages API (`POST {base}/v1/messages`),
 * for `llm/v1/chat` and, on top of it, `llm/v1/completions`. The adapter translates the
 * OpenAI request (convert-request.ts, convert-messages.ts), the reply
 * (convert-response.ts) and the stream (convert-stream.ts); errors keep Anthropic's
 * status, except 529 "overloaded", which becomes 503 (errors.ts).
 */
import type { ChatRequest } from "../../gateway/types.js";
import { completionsViaChat } from "../common/completions-via-chat.js";
import { postUpstream, readJson } from "../common/http.js";
import { sseMessages } from "../common/sse-events.js";
import type { CallContext, ModelProvider, ProviderDefinition } from "../provider.js";
import { messagesUrl, parseAnthropicConfig, type AnthropicConfig } from "./config.js";
import { toAnthropicCall } from "./convert-request.js";
import { toChatCompletion } from "./convert-response.js";
import { anthropicChunks } from "./convert-stream.js";
import { anthropicErrors } from "./errors.js";
import { anthropicForm } from "./form.js";
import { anthropicNative } from "./native.js";

export type { AnthropicConfig } from "./config.js";
export { MESSAGES_FORMAT } from "./native.js";

/** The API version every request is written against; the adapter's wire shapes follow it. */
export const ANTHROPIC_VERSION = "2023-06-01";

const PROVIDER = "anthropic";

export const anthropicProvider: ProviderDefinition<AnthropicConfig> = {
  name: PROVIDER,
  configKey: "anthropic_config",
  imageLimits: true,
  tasks: ["llm/v1/chat", "llm/v1/completions"],
  credentialFields: ["anthropic_api_key"],
  destinationFields: ["anthropic_api_base"],
  form: anthropicForm,
  parseConfig: parseAnthropicConfig,
  create({ model, task, config, credentials, dispatcher }) {
    const key = credentials.get("anthropic_api_key") ?? "";
    const url = messagesUrl(config.anthropic_api_base);
    const secrets = [key];
    const headers = (stream: boolean, betas: readonly string[]): Record<string, string> => {
      const h: Record<string, string> = {
        "x-api-key": key,
        "anthropic-version": ANTHROPIC_VERSION,
        "content-type": "application/json",
        accept: stream ? "text/event-stream" : "application/json",
      };
      // As the official SDK sends `betas`: one header, the values comma-separated.
      if (betas.length) h["anthropic-beta"] = betas.join(",");
      return h;
    };
    const call = (req: ChatRequest, stream: boolean, ctx: CallContext) => {
      // Translated before anything is sent: a request Anthropic cannot take is a 400 here.
      const { body, betas } = toAnthropicCall(req, model, stream);
      return postUpstream({
        provider: PROVIDER,
        url,
        headers: headers(stream, betas),
        body: JSON.stringify(body),
        signal: ctx.signal,
        secrets,
        errors: anthropicErrors,
        limits: ctx.upstream,
        dispatcher,
      });
    };
    const chat = {
      async chat(req: ChatRequest, ctx: CallContext) {
        return toChatCompletion(await readJson(await call(req, false, ctx), PROVIDER), model);
      },
      async chatStream(req: ChatRequest, ctx: CallContext) {
        const res = await call(req, true, ctx);
        return anthropicChunks(sseMessages(res, PROVIDER, ctx.signal), { model, secrets });
      },
    };
    if (task === "llm/v1/completions") return completionsViaChat(chat);
    const provider: ModelProvider = { ...chat, native: anthropicNative({ url, key, model, version: ANTHROPIC_VERSION, dispatcher }) };
    return provider;
  },
};
