/**
 * A `MockReply` in Bedrock's words: a Converse JSON answer, the ConverseStream events
 * (encoded as binary event-stream frames), and error replies with `x-amzn-errortype`.
 *
 * Usage is converted to Bedrock's counters: `inputTokens` leave out cache reads and writes
 * (`cacheReadInputTokens`, `cacheWriteInputTokens`, sent only when the reply has cache data).
 */
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { DEFAULT_USAGE, finishOf, splitPieces, type MockError, type MockFinish, type MockReply } from "../scenario.js";

const codec = new EventStreamCodec(toUtf8, fromUtf8);

type Obj = Record<string, unknown>;

const STOP_REASON: Record<MockFinish, string> = { stop: "end_turn", length: "max_tokens", tool_calls: "tool_use", content_filter: "content_filtered" };

export function stopReasonOf(r: MockReply): string {
  return r.rawFinish ?? STOP_REASON[finishOf(r)];
}

/** Bedrock `TokenUsage` for a reply. */
export function usageOf(r: MockReply): Obj {
  const u = r.usage ?? DEFAULT_USAGE;
  const cached = u.cached ?? 0;
  const write = u.cacheWrite ?? 0;
  const out: Obj = { inputTokens: u.prompt - cached - write, outputTokens: u.completion, totalTokens: u.prompt + u.completion };
  if (u.cached !== undefined || u.cacheWrite !== undefined) {
    out["cacheReadInputTokens"] = cached;
    out["cacheWriteInputTokens"] = write;
  }
  return out;
}

/** The assistant content blocks of a reply: reasoning, then text, then tool uses. */
function contentOf(r: MockReply): Obj[] {
  const out: Obj[] = [];
  for (const x of r.reasoning ?? []) {
    out.push({ reasoningContent: "redacted" in x ? { redactedContent: x.redacted } : { reasoningText: { text: x.text, signature: x.signature } } });
  }
  if (r.text !== undefined && (r.text !== "" || !r.toolCalls?.length)) out.push({ text: r.text });
  for (const c of r.toolCalls ?? []) out.push({ toolUse: { toolUseId: c.id, name: c.name, input: c.arguments } });
  return out;
}

/** The Converse JSON answer. */
export function converseBody(r: MockReply): Obj {
  return {
    output: { message: { role: "assistant", content: contentOf(r) } },
    stopReason: stopReasonOf(r),
    usage: usageOf(r),
    metrics: { latencyMs: 42 },
  };
}

const EXCEPTION_BY_STATUS: Record<number, string> = {
  400: "ValidationException",
  403: "AccessDeniedException",
  404: "ResourceNotFoundException",
  408: "ModelTimeoutException",
  424: "ModelErrorException",
  429: "ThrottlingException",
  500: "InternalServerException",
  503: "ServiceUnavailableException",
};

/** The exception name Bedrock answers a status with (or the reply's own `type`). */
export function exceptionName(e: MockError): string {
  return e.type ?? EXCEPTION_BY_STATUS[e.status] ?? (e.status >= 500 ? "InternalServerException" : "ValidationException");
}

/** Headers and body of an HTTP error reply. */
export function errorReply(e: MockError): { headers: Record<string, string>; body: Obj } {
  const headers: Record<string, string> = {
    "x-amzn-errortype": `${exceptionName(e)}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    "x-amzn-requestid": "00000000-0000-4000-8000-000000000000",
  };
  if (e.retryAfter) headers["retry-after"] = e.retryAfter;
  return { headers, body: { message: e.message } };
}

/** The lower-camel exception type of an in-stream error. */
function streamExceptionType(e: MockError): string {
  if (e.type) return e.type.charAt(0).toLowerCase() + e.type.slice(1);
  switch (e.status) {
    case 429:
      return "throttlingException";
    case 400:
      return "validationException";
    case 500:
      return "internalServerException";
    case 503:
      return "serviceUnavailableException";
    default:
      return "modelStreamErrorException";
  }
}

const str = (value: string) => ({ type: "string" as const, value });

/** One `:message-type: event` frame. Bedrock pads payloads with a `p` field (to hide lengths); so does the mock. */
export function eventFrame(type: string, payload: Obj): Uint8Array {
  const body = { ...payload, p: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ".slice(0, 4 + (type.length % 9)) };
  return codec.encode({
    headers: { ":event-type": str(type), ":content-type": str("application/json"), ":message-type": str("event") },
    body: fromUtf8(JSON.stringify(body)),
  });
}

/** One `:message-type: exception` frame. */
export function exceptionFrame(e: MockError): Uint8Array {
  const type = streamExceptionType(e);
  const body: Obj = { message: e.message };
  if (type === "modelStreamErrorException") {
    body["originalStatusCode"] = e.status;
    body["originalMessage"] = e.message;
  }
  return codec.encode({
    headers: { ":exception-type": str(type), ":content-type": str("application/json"), ":message-type": str("exception") },
    body: fromUtf8(JSON.stringify(body)),
  });
}

/**
 * The frames of a ConverseStream answer. With `midStreamError` the stream ends with an
 * exception frame right after the first content delta; with `truncate` it simply ends there.
 */
export function converseStreamFrames(r: MockReply): Uint8Array[] {
  const n = r.pieces ?? 3;
  const frames: Uint8Array[] = [eventFrame("messageStart", { role: "assistant" })];
  let block = 0;
  /** Adds a content delta; true when the stream ends right after it. */
  const content = (payload: Obj): boolean => {
    frames.push(eventFrame("contentBlockDelta", { contentBlockIndex: block, delta: payload }));
    if (r.midStreamError) frames.push(exceptionFrame(r.midStreamError));
    return Boolean(r.midStreamError || r.truncate);
  };
  const stop = () => frames.push(eventFrame("contentBlockStop", { contentBlockIndex: block++ }));
  for (const x of r.reasoning ?? []) {
    if ("redacted" in x) {
      if (content({ reasoningContent: { redactedContent: x.redacted } })) return frames;
    } else {
      for (const piece of splitPieces(x.text, n)) if (content({ reasoningContent: { text: piece } })) return frames;
      frames.push(eventFrame("contentBlockDelta", { contentBlockIndex: block, delta: { reasoningContent: { signature: x.signature } } }));
    }
    stop();
  }
  if (r.text) {
    for (const piece of splitPieces(r.text, n)) if (content({ text: piece })) return frames;
    stop();
  }
  for (const c of r.toolCalls ?? []) {
    frames.push(eventFrame("contentBlockStart", { contentBlockIndex: block, start: { toolUse: { toolUseId: c.id, name: c.name } } }));
    for (const piece of splitPieces(JSON.stringify(c.arguments), n)) if (content({ toolUse: { input: piece } })) return frames;
    stop();
  }
  frames.push(eventFrame("messageStop", { stopReason: stopReasonOf(r) }));
  frames.push(eventFrame("metadata", { usage: usageOf(r), metrics: { latencyMs: 42 } }));
  return frames;
}
