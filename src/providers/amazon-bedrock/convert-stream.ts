/**
 * ConverseStream events → OpenAI chat chunks.
 *
 * Events arrive as `messageStart`, then per content block `contentBlockStart` (tool uses
 * only) / `contentBlockDelta`… / `contentBlockStop`, then `messageStop` (the stop reason)
 * and `metadata` (usage). The stream is complete only when both of the last two came: a
 * body that ends without them is truncated and ends in an error, also when only the usage
 * is missing, because the gateway never reports usage it did not receive.
 *
 * Tool calls get OpenAI indexes 0, 1, 2… in the order they start, keyed by Bedrock's
 * `contentBlockIndex`. A `json_response` call the gateway forced for `response_format`
 * streams as text. An exception frame (`throttlingException`, …) is thrown as the
 * GatewayError its HTTP twin would be.
 */
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import type { ChatChunk, ChatMessage } from "../../gateway/types.js";
import { newId, reasoningDelta, ToolCallIndexes, usageOf, type ChunkFactory, type TokenCounts } from "../common/index.js";
import { num, obj, str, streamDeltaOf, toolStartOf, usageCounts, type Obj } from "./api.js";
import { JSON_TOOL } from "./convert-tools.js";
import { streamErrorFrame, streamException, truncated } from "./errors.js";
import { headerOf, type EventMessage } from "./event-stream.js";
import { mapFinishReason, type FinishReason } from "./map-finish-reason.js";

function malformed(what: string): GatewayError {
  return new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, `Received a malformed stream event from Amazon Bedrock (${what}).`);
}

function payloadOf(msg: EventMessage): Obj {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(msg.body.buffer, msg.body.byteOffset, msg.body.byteLength).toString("utf8"));
  } catch {
    throw malformed("payload is not JSON");
  }
  const o = obj(v);
  if (!o) throw malformed("payload is not an object");
  return o;
}

/** The state of one streamed answer; feed it every event, then call `end()`. */
export class ConverseStreamConverter {
  private started = false;
  private finish: FinishReason | undefined;
  private usage: TokenCounts | undefined;
  private usageSent = false;
  private readonly tools = new ToolCallIndexes<number>();
  private readonly jsonBlocks = new Set<number>();

  constructor(
    private readonly f: ChunkFactory,
    private readonly jsonTool: boolean,
  ) {}

  private delta(d: Partial<ChatMessage>, out: ChatChunk[]): void {
    out.push(this.f.delta(d));
  }

  /** The chunks one event gives; throws for exception and error frames. */
  onEvent(msg: EventMessage): ChatChunk[] {
    const kind = headerOf(msg, ":message-type");
    if (kind === "exception") {
      const payload: unknown = (() => {
        try {
          return payloadOf(msg);
        } catch {
          return {};
        }
      })();
      throw streamException(headerOf(msg, ":exception-type") ?? "internalServerException", payload);
    }
    if (kind === "error") throw streamErrorFrame(headerOf(msg, ":error-code") ?? "InternalFailure", headerOf(msg, ":error-message") ?? "");
    if (kind !== "event") return [];
    const out: ChatChunk[] = [];
    if (!this.started) {
      this.started = true;
      this.delta({ role: "assistant", content: "" }, out);
    }
    const type = headerOf(msg, ":event-type");
    switch (type) {
      case "contentBlockStart":
        this.blockStart(payloadOf(msg), out);
        break;
      case "contentBlockDelta":
        this.blockDelta(payloadOf(msg), out);
        break;
      case "messageStop": {
        const p = payloadOf(msg);
        let finish = mapFinishReason(str(p["stopReason"]));
        if (finish === "tool_calls" && this.jsonBlocks.size > 0 && this.tools.count === 0) finish = "stop";
        this.finish = finish;
        out.push(this.f.delta({}, finish));
        this.flushUsage(out);
        break;
      }
      case "metadata": {
        const usage = usageCounts(payloadOf(msg)["usage"]);
        if (!usage) throw malformed("metadata without usage");
        this.usage = usage;
        this.flushUsage(out);
        break;
      }
      default:
        // messageStart, contentBlockStop and event types Bedrock may add carry nothing to forward.
        break;
    }
    return out;
  }

  private flushUsage(out: ChatChunk[]): void {
    if (this.finish !== undefined && this.usage && !this.usageSent) {
      this.usageSent = true;
      out.push(this.f.usage(usageOf(this.usage)));
    }
  }

  private blockStart(p: Obj, out: ChatChunk[]): void {
    const tool = toolStartOf(p["start"]);
    const at = num(p["contentBlockIndex"]);
    if (!tool || at === undefined) return;
    if (this.jsonTool && tool.name === JSON_TOOL) {
      this.jsonBlocks.add(at);
      return;
    }
    const index = this.tools.start(at);
    this.delta({ tool_calls: [{ index, id: tool.id || newId("call_"), type: "function", function: { name: tool.name, arguments: "" } }] }, out);
  }

  private blockDelta(p: Obj, out: ChatChunk[]): void {
    const at = num(p["contentBlockIndex"]);
    const d = streamDeltaOf(p["delta"]);
    switch (d.kind) {
      case "text":
        if (d.text) this.delta({ content: d.text }, out);
        return;
      case "toolInput": {
        if (at !== undefined && this.jsonBlocks.has(at)) {
          if (d.input) this.delta({ content: d.input }, out);
          return;
        }
        const index = at === undefined ? undefined : this.tools.of(at);
        if (index === undefined) throw malformed("tool input for a block that never started");
        if (d.input) this.delta({ tool_calls: [{ index, function: { arguments: d.input } }] }, out);
        return;
      }
      case "reasoningText":
        if (d.text) this.delta({ content: reasoningDelta({ text: d.text }) }, out);
        return;
      case "signature":
        this.delta({ content: reasoningDelta({ text: "", signature: d.signature }) }, out);
        return;
      case "redacted":
        this.delta({ content: reasoningDelta({ encrypted: d.data }) }, out);
        return;
      case "other":
        return;
    }
  }

  /** Checks the stream ended complete: a stop reason and usage both arrived. */
  end(): void {
    if (this.finish === undefined || !this.usageSent) throw truncated();
  }
}

/** The chunks of a ConverseStream answer. */
export async function* converseChunks(events: AsyncIterable<EventMessage>, f: ChunkFactory, jsonTool: boolean): AsyncGenerator<ChatChunk, void, undefined> {
  const c = new ConverseStreamConverter(f, jsonTool);
  for await (const msg of events) {
    for (const chunk of c.onEvent(msg)) yield chunk;
  }
  c.end();
}
