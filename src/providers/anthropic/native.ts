/**
 * Pass-through of the Messages API: a client that spoke Anthropic's format to Tessera
 * (server/ingress/anthropic) reaching an `anthropic` endpoint has its body forwarded as it
 * came — only `model` swapped for the entity's — with the entity's key, the client's
 * `anthropic-version` and `anthropic-beta` headers, and the native answer or events
 * handed back unchanged, so beta features Tessera does not model keep working. Usage is
 * read from the answer, or from the stream's `message_start` / `message_delta` events
 * (the only ones parsed); a stream that ends before `message_stop` is reported as cut.
 */
import { ERROR_KINDS, GatewayError } from "../../gateway/errors.js";
import type { JsonObject, Usage } from "../../gateway/types.js";
import { postUpstream, readJson } from "../common/http.js";
import { parseEventJson, sseMessages } from "../common/sse-events.js";
import type { Dispatcher } from "undici";
import type { CallContext, NativeAnswer, NativeApi, NativeEvent, NativeEventStream, NativeRequest } from "../provider.js";
import { isObj, mergeUsage, readUsage, type AnthropicUsage } from "./api.js";
import { usageFromAnthropic } from "./convert-response.js";
import { anthropicErrors } from "./errors.js";

/** The ingress format this adapter takes as it is (server/ingress/anthropic names its requests so). */
export const MESSAGES_FORMAT = "anthropic-messages";

export interface NativeOptions {
  url: string;
  key: string;
  model: string;
  version: string;
  dispatcher: Dispatcher | undefined;
}

/** The events of a native stream, watched for usage and completeness on their way through. */
function watched(source: AsyncIterable<{ event: string | undefined; data: string }>): NativeEventStream {
  const usage: AnthropicUsage = {};
  let seen = false;
  async function* events(): AsyncGenerator<NativeEvent, void, undefined> {
    let complete = false;
    for await (const m of source) {
      if (m.event === "message_start" || m.event === "message_delta") {
        const json = parseEventJson(m.data);
        const u = json ? (m.event === "message_start" ? (isObj(json["message"]) ? json["message"]["usage"] : undefined) : json["usage"]) : undefined;
        mergeUsage(usage, readUsage(u));
        seen = true;
      } else if (m.event === "message_stop") complete = true;
      else if (m.event === "error") complete = true; // the upstream's own error event ends the stream, as sent
      yield { event: m.event, data: m.data };
    }
    if (!complete) throw new GatewayError(ERROR_KINDS.UPSTREAM_ERROR, "Anthropic stream ended before it was complete.");
  }
  const it = events();
  return { [Symbol.asyncIterator]: () => it, usage: (): Usage | undefined => (seen ? usageFromAnthropic(usage) : undefined) };
}

/**
 * The pass-through of one `anthropic` entity.
 *
 * @example
 *   provider.native = anthropicNative({ url, key, model: "claude-sonnet-4-5", version: "2023-06-01", dispatcher })
 */
export function anthropicNative(o: NativeOptions): NativeApi {
  return {
    formats: [MESSAGES_FORMAT],
    async call(req: NativeRequest, ctx: CallContext): Promise<NativeAnswer> {
      const body: JsonObject = { ...req.body, model: o.model };
      const headers: Record<string, string> = {
        "x-api-key": o.key,
        "anthropic-version": req.headers["anthropic-version"] ?? o.version,
        "content-type": "application/json",
        accept: req.stream ? "text/event-stream" : "application/json",
      };
      const beta = req.headers["anthropic-beta"];
      if (beta) headers["anthropic-beta"] = beta;
      const res = await postUpstream({ provider: "anthropic", url: o.url, headers, body: JSON.stringify(body), signal: ctx.signal, secrets: [o.key], errors: anthropicErrors, limits: ctx.upstream, dispatcher: o.dispatcher });
      if (!req.stream) {
        const json = await readJson(res, "anthropic");
        return { kind: "response", body: json, usage: isObj(json["usage"]) ? usageFromAnthropic(readUsage(json["usage"])) : undefined };
      }
      return { kind: "stream", events: watched(sseMessages(res, "anthropic", ctx.signal)) };
    },
  };
}
