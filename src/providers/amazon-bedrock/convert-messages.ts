/**
 * OpenAI/Databricks chat messages → Converse `system` blocks and `messages` turns.
 *
 * Converse knows two roles and wants them to alternate, so: system and developer messages
 * become `system` blocks; a `tool` message becomes a `toolResult` block in a user turn; and
 * consecutive messages that land on the same side (several tool results, then a user
 * message) are merged into one turn. In an assistant turn, reasoning sent back from an
 * earlier answer goes first (Claude checks its signature there), then text, then tool uses.
 *
 * `cache_control` marks become `cachePoint` blocks right after the block they mark, but
 * only when prompt caching is on (Claude); elsewhere the marks are accepted and ignored.
 */
import { errors } from "../../gateway/errors.js";
import type { ChatMessage, ContentPart, JsonObject } from "../../gateway/types.js";
import { cacheControlOf, imageOf, partsOf, reasoningItemsOf, toolCallsOf } from "../common/index.js";

export type Block = JsonObject;

export interface Turn extends JsonObject {
  role: "user" | "assistant";
  content: Block[];
}

export interface ConverseMessages {
  system: Block[];
  messages: Turn[];
  /** Tool names used in history (toolUse blocks); Converse needs a toolConfig when there are any. */
  historyToolNames: string[];
  /** Whether history holds toolUse or toolResult blocks. */
  hasToolBlocks: boolean;
}

export interface MessageOptions {
  /** Emit `cachePoint` blocks for `cache_control` marks. */
  caching: boolean;
  /** Send `status` on tool results (only Claude and Nova accept it). */
  toolResultStatus: boolean;
}

/** The text of a tool result that had none. */
export const EMPTY_TOOL_RESULT = "(no output)";

/** A cache point for a mark, keeping a `ttl` Bedrock knows. */
export function cachePoint(mark: JsonObject): Block {
  const ttl = mark["ttl"];
  return { cachePoint: ttl === "5m" || ttl === "1h" ? { type: "default", ttl } : { type: "default" } };
}

class Converter {
  readonly system: Block[] = [];
  readonly messages: Turn[] = [];
  readonly toolNames = new Set<string>();
  hasToolBlocks = false;

  constructor(private readonly opts: MessageOptions) {}

  private mark(out: Block[], o: JsonObject | undefined): void {
    const m = cacheControlOf(o);
    if (m && this.opts.caching) out.push(cachePoint(m));
  }

  private push(role: Turn["role"], content: Block[]): void {
    const last = this.messages[this.messages.length - 1];
    if (last && last.role === role) last.content.push(...content);
    else this.messages.push({ role, content });
  }

  /** Text parts (and, where allowed, images) of a message, each followed by its cache point. */
  private parts(parts: ContentPart[], field: string, images: boolean): Block[] {
    const out: Block[] = [];
    parts.forEach((p, j) => {
      const f = `${field}.content[${j}]`;
      if (p.type === "text" && typeof p["text"] === "string") out.push({ text: p["text"] });
      else if (images && p.type === "image_url") {
        const img = imageOf(p, f);
        out.push({ image: { format: img.mediaType.slice("image/".length), source: { bytes: img.data } } });
      } else throw errors.invalidParameter(f, `'${f}' has a type Amazon Bedrock cannot take here ('${String(p.type)}').`);
      this.mark(out, p);
    });
    return out;
  }

  add(m: ChatMessage, i: number): void {
    const field = `messages[${i}]`;
    if (!m || typeof m !== "object") throw errors.invalidParameter(field, `'${field}' must be a message object.`);
    switch (m.role) {
      case "system":
      case "developer": {
        const blocks = this.parts(partsOf(m.content), field, false);
        this.mark(blocks, m);
        this.system.push(...blocks);
        return;
      }
      case "user": {
        const blocks = this.parts(partsOf(m.content), field, true);
        this.mark(blocks, m);
        this.push("user", blocks);
        return;
      }
      case "assistant":
        this.push("assistant", this.assistant(m, field));
        return;
      case "tool":
        this.push("user", this.toolResult(m, field));
        return;
      default:
        throw errors.invalidParameter(`${field}.role`, `'${field}.role' must be system, developer, user, assistant or tool.`);
    }
  }

  private assistant(m: ChatMessage, field: string): Block[] {
    const reasoning: Block[] = [];
    const rest: Block[] = [];
    partsOf(m.content).forEach((p, j) => {
      const f = `${field}.content[${j}]`;
      if (p.type === "reasoning") {
        for (const item of reasoningItemsOf(p, f)) {
          reasoning.push({
            reasoningContent:
              item.kind === "encrypted"
                ? { redactedContent: item.data }
                : { reasoningText: item.signature !== undefined ? { text: item.text, signature: item.signature } : { text: item.text } },
          });
        }
      } else if (p.type === "text" && typeof p["text"] === "string") {
        // Converse refuses blank text blocks; an assistant turn that only called tools often has one.
        if (p["text"].trim() !== "") rest.push({ text: p["text"] });
        this.mark(rest, p);
      } else throw errors.invalidParameter(f, `'${f}' has a type Amazon Bedrock cannot take here ('${String(p.type)}').`);
    });
    for (const call of toolCallsOf(m, field)) {
      this.hasToolBlocks = true;
      this.toolNames.add(call.name);
      rest.push({ toolUse: { toolUseId: call.id, name: call.name, input: call.arguments } });
      if (call.cacheControl && this.opts.caching) rest.push(cachePoint(call.cacheControl));
    }
    this.mark(rest, m);
    return [...reasoning, ...rest];
  }

  private toolResult(m: ChatMessage, field: string): Block[] {
    const id = m.tool_call_id;
    if (typeof id !== "string" || !id) throw errors.invalidParameter(`${field}.tool_call_id`, `'${field}.tool_call_id' is required.`);
    this.hasToolBlocks = true;
    const inner: Block[] = [];
    let marked: JsonObject | undefined = cacheControlOf(m);
    partsOf(m.content).forEach((p, j) => {
      const f = `${field}.content[${j}]`;
      if (p.type === "text" && typeof p["text"] === "string") {
        if (p["text"].trim() !== "") inner.push({ text: p["text"] });
      } else if (p.type === "image_url") {
        const img = imageOf(p, f);
        inner.push({ image: { format: img.mediaType.slice("image/".length), source: { bytes: img.data } } });
      } else throw errors.invalidParameter(f, `'${f}' has a type Amazon Bedrock cannot take in a tool result ('${String(p.type)}').`);
      // A cache point cannot sit inside a tool result: a mark on any part marks the result.
      marked = marked ?? cacheControlOf(p);
    });
    // A tool that returned nothing: Converse refuses blank text blocks, and a refused result
    // would wedge the conversation for good, so the model is told so in words.
    if (inner.length === 0) inner.push({ text: EMPTY_TOOL_RESULT });
    const result: JsonObject = { toolUseId: id, content: inner };
    if (this.opts.toolResultStatus) result["status"] = m["is_error"] === true ? "error" : "success";
    const out: Block[] = [{ toolResult: result }];
    this.mark(out, marked ? { cache_control: marked } : undefined);
    return out;
  }
}

/**
 * @example
 *   convertMessages([{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }], { caching: false, toolResultStatus: true })
 *   // → { system: [{ text: "Be brief." }], messages: [{ role: "user", content: [{ text: "Hi" }] }], … }
 */
export function convertMessages(messages: unknown, opts: MessageOptions): ConverseMessages {
  if (!Array.isArray(messages) || messages.length === 0) throw errors.invalidParameter("messages", "'messages' must be a non-empty list.");
  const c = new Converter(opts);
  (messages as ChatMessage[]).forEach((m, i) => c.add(m, i));
  return { system: c.system, messages: c.messages, historyToolNames: [...c.toolNames], hasToolBlocks: c.hasToolBlocks };
}
