/**
 * Canonical request and response types of the gateway: OpenAI's chat, completions and
 * embeddings shapes, in the Databricks flavour (a message's `content` may be a list of
 * blocks, including reasoning blocks). Fields the gateway does not interpret stay on the
 * object (index signature) so that they pass through to the upstream unchanged.
 */

export const TASKS = ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"] as const;
export type Task = (typeof TASKS)[number];

export type JsonObject = { [key: string]: unknown };

export interface ContentPart extends JsonObject {
  type: string;
}

export interface ToolCall extends JsonObject {
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

export interface ChatMessage extends JsonObject {
  role: string;
  content?: string | ContentPart[] | null;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
  name?: string;
}

interface CommonParams extends JsonObject {
  model?: string;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  n?: number;
  stop?: string | string[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean } & JsonObject;
  /** Databricks: provider parameters without an OpenAI name; merged into the upstream body. */
  extra_params?: JsonObject;
  /** Databricks: the caller's id for this request (usage tracking, inference tables). */
  client_request_id?: string;
  usage_context?: JsonObject;
}

export interface ChatRequest extends CommonParams {
  messages: ChatMessage[];
}

export interface CompletionRequest extends CommonParams {
  prompt: string | string[];
}

export interface EmbeddingsRequest extends JsonObject {
  model?: string;
  input: string | string[] | number[] | number[][];
  client_request_id?: string;
  usage_context?: JsonObject;
  extra_params?: JsonObject;
}

export interface Usage extends JsonObject {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } & JsonObject;
  completion_tokens_details?: { reasoning_tokens?: number } & JsonObject;
}

export interface ChatCompletion extends JsonObject {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: Array<{ index: number; message: ChatMessage; finish_reason: string | null } & JsonObject>;
  usage?: Usage;
}

export interface ChatChunk extends JsonObject {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: Array<{ index: number; delta: Partial<ChatMessage>; finish_reason: string | null } & JsonObject>;
  usage?: Usage | null;
}

export interface Completion extends JsonObject {
  id: string;
  object: "text_completion";
  created: number;
  model: string;
  choices: Array<{ index: number; text: string; finish_reason: string | null } & JsonObject>;
  usage?: Usage;
}

export interface EmbeddingsResponse extends JsonObject {
  object: "list";
  data: Array<{ object: "embedding"; index: number; embedding: number[] | string } & JsonObject>;
  model: string;
  usage?: Usage;
}

/** Request and response of one task, so code can be generic over the task. */
export interface TaskShapes {
  "llm/v1/chat": { request: ChatRequest; response: ChatCompletion; chunk: ChatChunk };
  "llm/v1/completions": { request: CompletionRequest; response: Completion; chunk: Completion };
  "llm/v1/embeddings": { request: EmbeddingsRequest; response: EmbeddingsResponse; chunk: never };
}

export type AnyRequest = ChatRequest | CompletionRequest | EmbeddingsRequest;
export type AnyResponse = ChatCompletion | Completion | EmbeddingsResponse;
export type AnyChunk = ChatChunk | Completion;
