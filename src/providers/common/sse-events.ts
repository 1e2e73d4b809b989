/**
 * Reads an upstream SSE body as typed `{event, data}` messages, parsed once with
 * eventsource-parser, for the providers whose streams are not OpenAI-shaped (Anthropic,
 * Gemini, Cohere). Converting those messages into chat chunks is each provider's job;
 * so is deciding whether the stream ended complete (a missing final event is a
 * truncated stream, which the provider reports as an error).
 *
 * Leaving the loop early (the client went away) ends the generator, which destroys the
 * body and so releases the upstream request.
 */
import { StringDecoder } from "node:string_decoder";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import type { UpstreamResponse } from "./http.js";
import { transportError } from "./http.js";
import { EventSizeGuard, responseLimits, tooLarge } from "./limits.js";

export interface SseMessage {
  /** The `event:` name; undefined when the upstream sends only `data:` lines. */
  event: string | undefined;
  data: string;
}

/** The SSE messages of a body, in order, as they arrive. */
export async function* sseMessages(res: UpstreamResponse, provider: string, signal: AbortSignal): AsyncGenerator<SseMessage, void, undefined> {
  const pending: SseMessage[] = [];
  const size = new EventSizeGuard(responseLimits(res).maxEventBytes);
  const parser = createParser({
    onEvent(m: EventSourceMessage) {
      size.event();
      pending.push({ event: m.event, data: m.data });
    },
  });
  const utf8 = new StringDecoder("utf8");
  try {
    for await (const buf of res.body) {
      size.add((buf as Buffer).length);
      parser.feed(utf8.write(buf as Buffer));
      if (size.over()) throw tooLarge(provider, "a stream event", size.max);
      while (pending.length) yield pending.shift() as SseMessage;
    }
    // An event without its closing blank line is incomplete and is not dispatched: a body
    // cut there is a truncated stream, which the provider's converter reports.
    parser.feed(utf8.end());
    while (pending.length) yield pending.shift() as SseMessage;
  } catch (err) {
    throw transportError(err, provider, signal);
  } finally {
    if (!res.body.destroyed) res.body.destroy();
  }
}

/** Parses one event's JSON data; a message that is not a JSON object is an upstream fault. */
export function parseEventJson(data: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(data);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
