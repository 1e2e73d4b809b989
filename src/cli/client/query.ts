/**
 * `tessera query <endpoint>`: POST /serving-endpoints/<endpoint>/invocations. A JSON reply
 * is pretty-printed; a `text/event-stream` reply (with `--stream`, or `"stream": true` in
 * the body) is printed as the text arrives.
 */

import { createParser, type EventSourceMessage } from "eventsource-parser";
import { connect, expectPositionals, parseCommand, parseObjectArg, readObjectInput } from "./args.js";
import { CliError, UsageError, networkReason } from "./errors.js";
import { errorDetail } from "./http.js";
import type { CommandIO } from "./io.js";
import { arrayField, isRecord, numberField, prettyJson, recordField, stringField, type JsonRecord } from "./json.js";
import { QUERY_HINT, QUERY_USAGE } from "./usage.js";

export async function runQuery(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { json: { type: "string" }, file: { type: "string", short: "f" }, stream: { type: "boolean" } },
    QUERY_HINT,
  );
  if (values.help) {
    io.out(QUERY_USAGE);
    return 0;
  }
  const [endpoint = ""] = expectPositionals(positionals, ["endpoint"], QUERY_HINT);
  if ((values.json === undefined) === (values.file === undefined)) {
    throw new UsageError("pass the request body with either --json '<body>' or -f <file>", QUERY_HINT);
  }
  const client = connect(values, io);
  const body: JsonRecord =
    values.json !== undefined ? parseObjectArg(values.json, "--json") : await readObjectInput(values.file ?? "-", io);
  if (values.stream) body["stream"] = true;

  const path = `/serving-endpoints/${encodeURIComponent(endpoint)}/invocations`;
  const wantsStream = body["stream"] === true;
  const res = await client.send("POST", path, body, wantsStream ? "text/event-stream" : "application/json");
  const contentType = res.headers.get("content-type") ?? "";
  if (contentType.toLowerCase().includes("text/event-stream")) return printStream(res, io);

  const text = await readBody(res);
  try {
    io.out(prettyJson(JSON.parse(text) as unknown));
  } catch {
    io.out(text.endsWith("\n") ? text : `${text}\n`);
  }
  return 0;
}

async function readBody(res: Response): Promise<string> {
  try {
    return await res.text();
  } catch (err) {
    throw new CliError(`the connection to the gateway was lost: ${networkReason(err)}`);
  }
}

/** What the stream printer has seen so far. */
interface StreamState {
  done: boolean;
  /** Set when the stream reported an error or sent garbage; printing stops. */
  failure: string | undefined;
  wroteText: boolean;
  endsWithNewline: boolean;
  finishReason: string | undefined;
  usage: JsonRecord | undefined;
  /** Streamed tool calls, assembled by their `index`, printed once the stream ends. */
  toolCalls: Map<number, { name: string; arguments: string }>;
}

async function printStream(res: Response, io: CommandIO): Promise<number> {
  const state: StreamState = {
    done: false,
    failure: undefined,
    wroteText: false,
    toolCalls: new Map(),
    endsWithNewline: false,
    finishReason: undefined,
    usage: undefined,
  };
  const write = (text: string) => {
    if (text === "") return;
    io.out(text);
    state.wroteText = true;
    state.endsWithNewline = text.endsWith("\n");
  };
  const parser = createParser({ onEvent: (event) => handleEvent(event, state, write) });

  const reader = res.body?.getReader();
  let lost: string | undefined;
  if (reader) {
    const decoder = new TextDecoder();
    try {
      while (!state.done && state.failure === undefined) {
        const { value, done } = await reader.read();
        if (done) {
          // Ends a last event the server did not terminate with a blank line.
          parser.feed(`${decoder.decode()}\n\n`);
          break;
        }
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch (err) {
      lost = networkReason(err);
    } finally {
      if (state.done || state.failure !== undefined) await reader.cancel().catch(() => undefined);
    }
  }

  if (state.wroteText && !state.endsWithNewline) io.out("\n");
  for (const [i, call] of state.toolCalls) io.out(`tool call [${i}]: ${call.name}(${call.arguments})\n`);
  if (state.failure !== undefined) {
    io.err(`Error: ${state.failure}\n`);
    return 1;
  }
  if (lost !== undefined) {
    io.err(`Error: the connection to the gateway was lost: ${lost}\n`);
    return 1;
  }
  if (!state.done && state.finishReason === undefined) {
    io.err("Error: the stream ended before [DONE]\n");
    return 1;
  }
  const summary = summarize(state);
  if (summary) io.err(`${summary}\n`);
  return 0;
}

function handleEvent(event: EventSourceMessage, state: StreamState, write: (text: string) => void): void {
  if (state.done || state.failure !== undefined) return;
  const data = event.data.trim();
  if (data === "") return;
  if (data === "[DONE]") {
    state.done = true;
    return;
  }
  let chunk: unknown;
  try {
    chunk = JSON.parse(data) as unknown;
  } catch {
    state.failure =
      event.event === "error"
        ? `the stream failed: ${data.slice(0, 200)}`
        : `the gateway sent an event that is not JSON: ${data.slice(0, 200)}`;
    return;
  }
  if (!isRecord(chunk)) return;
  // Errors after the headers went out: `{"error": …}` (OpenAI style), or the gateway's
  // Databricks body `{"error_code", "message"}` as the last event, without `[DONE]`.
  if (event.event === "error" || chunk["error"] !== undefined || typeof chunk["error_code"] === "string") {
    const detail = errorDetail(chunk["error"]) ?? errorDetail(chunk);
    state.failure = detail
      ? `${detail.message}${detail.code ? ` (${detail.code})` : ""}`
      : `the stream failed: ${data.slice(0, 200)}`;
    return;
  }
  const usage = recordField(chunk, "usage");
  if (usage) state.usage = usage;
  const choice = arrayField(chunk, "choices")[0];
  if (!isRecord(choice)) return;
  const finish = stringField(choice, "finish_reason");
  if (finish) state.finishReason = finish;
  collectToolCalls(choice, state.toolCalls);
  write(choiceText(choice));
}

function collectToolCalls(choice: JsonRecord, calls: StreamState["toolCalls"]): void {
  const delta = recordField(choice, "delta");
  for (const tc of delta ? arrayField(delta, "tool_calls") : []) {
    if (!isRecord(tc)) continue;
    const index = numberField(tc, "index") ?? 0;
    const fn = recordField(tc, "function");
    const call = calls.get(index) ?? { name: "", arguments: "" };
    call.name += (fn && stringField(fn, "name")) ?? "";
    call.arguments += (fn && stringField(fn, "arguments")) ?? "";
    calls.set(index, call);
  }
}

/** The text a chunk's first choice carries: chat `delta.content` (a string or text blocks), or completions `text`. */
function choiceText(choice: JsonRecord): string {
  const delta = recordField(choice, "delta");
  if (delta) {
    const content = delta["content"];
    if (typeof content === "string") return content;
    if (Array.isArray(content)) {
      return content
        .filter((part) => isRecord(part) && part["type"] === "text")
        .map((part) => stringField(part, "text") ?? "")
        .join("");
    }
    return "";
  }
  const text = choice["text"];
  return typeof text === "string" ? text : "";
}

/** e.g. `[finish_reason: stop; usage: prompt_tokens=12 completion_tokens=5 total_tokens=17]`. */
function summarize(state: StreamState): string {
  const parts: string[] = [];
  if (state.finishReason) parts.push(`finish_reason: ${state.finishReason}`);
  if (state.usage) {
    const counts = ["prompt_tokens", "completion_tokens", "total_tokens"]
      .map((k) => [k, numberField(state.usage, k)] as const)
      .filter(([, n]) => n !== undefined)
      .map(([k, n]) => `${k}=${n}`);
    const cached = numberField(recordField(state.usage, "prompt_tokens_details"), "cached_tokens");
    if (cached) counts.push(`cached_tokens=${cached}`);
    if (counts.length > 0) parts.push(`usage: ${counts.join(" ")}`);
  }
  return parts.length > 0 ? `[${parts.join("; ")}]` : "";
}
