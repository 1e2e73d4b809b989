/**
 * The playground's conversation as plain data: what the page renders, what session storage
 * keeps across a reload and what Export writes. Pure (no DOM, no React) so Node's test
 * runner can check it; the page holds one `Conversation` in state and replaces it through
 * the functions in conversation.ts.
 */

/** At most this many endpoints answer side by side. */
export const MAX_COLUMNS = 3;

export interface ImageAttachment {
  name: string;
  /** e.g. "image/png" */
  mediaType: string;
  /** `data:image/png;base64,…`, sent as an OpenAI `image_url` content part. */
  dataUrl: string;
  bytes: number;
}

export interface UserTurn {
  id: string;
  role: "user";
  text: string;
  images: ImageAttachment[];
  /** ms since the epoch */
  at: number;
}

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text as the model streamed it (possibly not valid JSON). */
  arguments: string;
}

export type ReplyStatus = "streaming" | "done" | "stopped" | "error";

/** An error kept as data (an ApiError does not survive session storage or export). */
export interface ReplyError {
  status: number;
  code: string;
  message: string;
  body?: unknown;
}

export interface ReplyMetrics {
  latencyMs?: number;
  /** Time to first token: from sending to the first content of the stream. */
  ttftMs?: number;
  promptTokens?: number;
  completionTokens?: number;
  /** The gateway's `served-model-name` header: which served entity answered. */
  servedModel?: string | null;
}

export interface AssistantTurn {
  id: string;
  role: "assistant";
  /** The endpoint that was asked (a column's endpoint can change later). */
  endpoint: string;
  text: string;
  reasoning: string;
  toolCalls: ToolCall[];
  finishReason: string | null;
  status: ReplyStatus;
  error?: ReplyError;
  metrics: ReplyMetrics;
  at: number;
}

export type Turn = UserTurn | AssistantTurn;

export interface Column {
  id: string;
  /** "" until an endpoint is picked. */
  endpoint: string;
  turns: Turn[];
}

/**
 * The parameters as typed in the form (strings, so a half-typed number is kept as is);
 * request.ts parses them. An empty field is not sent: the endpoint's default applies.
 */
export interface Params {
  temperature: string;
  maxTokens: string;
  topP: string;
  /** One stop sequence per line. */
  stop: string;
  /** An OpenAI `tools` array as JSON, or "". */
  tools: string;
}

/** System prompt and parameters are shared by every column: a comparison then differs only by endpoint. */
export interface Conversation {
  version: 1;
  system: string;
  params: Params;
  columns: Column[];
}

export const DEFAULT_PARAMS: Params = { temperature: "0.7", maxTokens: "", topP: "", stop: "", tools: "" };

let counter = 0;
/** A unique id for a turn or column (crypto.randomUUID needs a secure context, which a self-hosted http:// gateway is not). */
export function newId(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
