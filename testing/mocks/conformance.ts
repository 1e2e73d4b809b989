/**
 * What a provider brings to the conformance suite (`src/providers/conformance.case.test.ts`):
 * how to start its mock, the endpoint config that points the gateway at it, which
 * capabilities it has (a case is skipped only when its capability is declared absent),
 * and a reader that turns the native request the mock received back into neutral terms,
 * so the suite can check what reached the provider without knowing its wire format.
 */
import type { MockServer, RecordedRequest } from "./mock-server.js";

export type Capability =
  | "tools"
  | "parallel-tools"
  | "json-schema"
  | "vision"
  | "reasoning"
  /** Reasoning comes with signatures that must travel back unchanged (Anthropic, Bedrock, Gemini). */
  | "signed-reasoning"
  | "caching"
  | "embeddings"
  | "completions"
  /** The provider reports cached prompt tokens in usage. */
  | "cached-usage"
  /** Anthropic's computer-use tools (computer, text editor, bash) pass to the model. */
  | "computer-use";

export const ALL_CAPABILITIES: readonly Capability[] = ["tools", "parallel-tools", "json-schema", "vision", "reasoning", "signed-reasoning", "caching", "embeddings", "completions", "cached-usage", "computer-use"];

/** A native request as the suite reads it. Each method returns what the provider was sent. */
export interface UpstreamView {
  /** The system prompt text, or undefined. */
  system(): string | undefined;
  /** The conversation turns' plain text, in order, roles in OpenAI terms ("user" | "assistant" | "tool"). */
  turns(): Array<{ role: string; text: string }>;
  /** The tool definitions' names. */
  toolNames(): string[];
  /** Tool calls of assistant turns in history. */
  historyToolCalls(): Array<{ id: string; name: string; arguments: unknown }>;
  /** Tool results in history. */
  toolResults(): Array<{ id: string; text: string }>;
  /** Images sent, as media type and base64 data. */
  images(): Array<{ mediaType: string; data: string }>;
  /** The JSON schema the provider was asked to follow, if any. */
  jsonSchema(): unknown;
  /** Reasoning sent back in history, with signatures. */
  reasoning(): Array<{ text: string; signature: string }>;
  /** How many cache marks (cache_control / cachePoint) the request carries. */
  cacheMarks(): number;
  /** The max output tokens sent. */
  maxTokens(): number | undefined;
  temperature(): number | undefined;
  /** Whether the call asked for a stream. */
  streamed(): boolean;
  /** Anthropic client tools sent (computer use), with the beta values that came with them; for "computer-use" fixtures. */
  clientTools?(): { tools: Array<{ type: string; name: string }>; betas: string[] };
}

export interface ConformanceFixture {
  /** Shown in the matrix, e.g. "anthropic", "amazon-bedrock/anthropic". */
  label: string;
  capabilities: ReadonlySet<Capability>;
  startMock(): Promise<MockServer>;
  /**
   * The `external_model` of an endpoint served by this mock, credentials as `*_plaintext`.
   * `task` is one the fixture's capabilities allow.
   */
  externalModel(mockUrl: string, task: "llm/v1/chat" | "llm/v1/completions" | "llm/v1/embeddings"): Record<string, unknown>;
  /** Reads a request the mock recorded. */
  view(req: RecordedRequest): UpstreamView;
  /** Requests that are not model calls (e.g. token fetches), which the suite ignores. */
  isModelCall?(req: RecordedRequest): boolean;
}
