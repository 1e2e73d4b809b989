/**
 * `llm/v1/completions` for providers that only have a chat API (Anthropic, Bedrock
 * Converse, Gemini, Cohere): the prompt becomes one user message and the answer's text
 * becomes the completion. Every other parameter goes to the chat adapter unchanged, so
 * it is mapped, passed through or refused there by the same rules.
 */
import { errors } from "../../gateway/errors.js";
import type { ChatChunk, ChatCompletion, ChatRequest, Completion, CompletionRequest } from "../../gateway/types.js";
import type { CallContext, ChunkStream, ModelProvider } from "../provider.js";
import { textOf } from "./content.js";

type ChatProvider = Required<Pick<ModelProvider, "chat" | "chatStream">>;

function toChat(req: CompletionRequest): ChatRequest {
  const { prompt, ...rest } = req;
  let text: string;
  if (typeof prompt === "string") text = prompt;
  else if (prompt.length === 1) text = prompt[0] as string;
  else throw errors.invalidParameter("prompt", "'prompt' must be one string: this provider completes one prompt per request.");
  return { ...rest, messages: [{ role: "user", content: text }] };
}

function toCompletion(c: ChatCompletion): Completion {
  return {
    id: c.id,
    object: "text_completion",
    created: c.created,
    model: c.model,
    choices: c.choices.map((ch) => ({ index: ch.index, text: textOf(ch.message.content), finish_reason: ch.finish_reason, logprobs: null })),
    ...(c.usage ? { usage: c.usage } : {}),
  };
}

async function* toCompletionChunks(chunks: ChunkStream<ChatChunk>): AsyncGenerator<Completion, void, undefined> {
  for await (const c of chunks) {
    const choices = [];
    for (const ch of c.choices) {
      const content = ch.delta.content;
      // Reasoning deltas (content lists) have no place in a text completion.
      const text = typeof content === "string" ? content : "";
      if (text === "" && ch.finish_reason === null) continue;
      choices.push({ index: ch.index, text, finish_reason: ch.finish_reason, logprobs: null });
    }
    if (choices.length === 0 && !c.usage) continue;
    yield { id: c.id, object: "text_completion", created: c.created, model: c.model, choices, ...(c.usage ? { usage: c.usage } : {}) };
  }
}

/** The completions operations of a chat provider. */
export function completionsViaChat(chat: ChatProvider): Required<Pick<ModelProvider, "complete" | "completeStream">> {
  return {
    async complete(req: CompletionRequest, ctx: CallContext) {
      return toCompletion(await chat.chat(toChat(req), ctx));
    },
    async completeStream(req: CompletionRequest, ctx: CallContext) {
      return toCompletionChunks(await chat.chatStream(toChat(req), ctx));
    },
  };
}
