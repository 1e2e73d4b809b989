/**
 * Turns a statement written for Databricks into one DuckDB runs, before DuckDB parses it:
 *
 *   ai_query('chat', text, returnType => 'STRUCT<a: STRING>', failOnError => false)
 *     → CAST(CAST(__tessera_ai(7, CAST('chat' AS VARCHAR), CAST(text AS VARCHAR)) AS JSON)
 *            AS STRUCT(result STRUCT("a" VARCHAR), errorMessage VARCHAR))
 *
 * The options of a call are literals in Databricks (they must be), so they are read here,
 * once, into a `CallSite`; DuckDB only evaluates the per-row endpoint and request. The
 * registered scalar function `__tessera_ai(site, endpoint, request)` answers VARCHAR: the
 * text itself for a STRING result, else JSON that the wrapping CAST turns into the SQL type.
 * `named_struct('k', v, …)` anywhere becomes DuckDB's `struct_pack("k" := v, …)`, and
 * Databricks' `:name` parameter markers become DuckDB's `$name`.
 */
import { errors } from "../gateway/errors.js";
import type { JsonObject, Task } from "../gateway/types.js";
import { checkModelParameters, sendsJson, valueType, type CallSite } from "./call-site.js";
import { closingParen, findCall, namedArg, quote, skipOpaque, splitArgs, stringLiteral } from "./sql-text.js";
import { FLOAT_ARRAY, parseSqlType, schemaOfType, STRING_TYPE, typeOfSchema, type SqlType } from "./sql-types.js";
import { TASK_ARITY, TASK_FUNCTIONS, taskSpec } from "./tasks.js";

export const UDF_NAME = "__tessera_ai";

export interface RewriteContext {
  /** The task of an endpoint this gateway serves; undefined when it serves none by that name. */
  taskOf(endpoint: string): Task | undefined;
  /** Endpoints the task functions use when the call names none. */
  defaultChatEndpoint?: string | undefined;
  defaultEmbeddingsEndpoint?: string | undefined;
  /** The first site id to hand out. */
  firstSiteId: number;
}

export interface Rewritten {
  sql: string;
  sites: CallSite[];
  /** Endpoint names written as literals: checked for CAN_QUERY before the statement runs. */
  endpoints: string[];
}

const AI_NAMES = new Set(["ai_query", ...TASK_FUNCTIONS]);
const STRUCT_NAMES = new Set(["named_struct"]);
const OPTIONS = new Set(["returnType", "failOnError", "modelParameters", "responseFormat"]);

export function rewriteStatement(sql: string, ctx: RewriteContext, parameters?: ReadonlyMap<string, string>): Rewritten {
  const state: RewriteState = { ctx, sites: [], endpoints: new Set(), nextId: ctx.firstSiteId };
  const calls = rewriteCalls(namedStructs(sql), state);
  const out = parameters ? parameterMarkers(calls, parameters) : calls;
  return { sql: out, sites: state.sites, endpoints: [...state.endpoints] };
}

interface RewriteState {
  ctx: RewriteContext;
  sites: CallSite[];
  endpoints: Set<string>;
  nextId: number;
}

function rewriteCalls(sql: string, st: RewriteState): string {
  let out = "";
  let pos = 0;
  for (let call = findCall(sql, AI_NAMES, pos); call; call = findCall(sql, AI_NAMES, pos)) {
    const args = splitArgs(sql, call.open, call.close).map((a) => rewriteCalls(a, st));
    const fn = call.name.toLowerCase();
    out += sql.slice(pos, call.start) + (fn === "ai_query" ? aiQuery(args, st) : taskCall(fn, args, st));
    pos = call.close + 1;
  }
  return out + sql.slice(pos);
}

function split(fn: string, args: string[], allowed: ReadonlySet<string>): { positional: string[]; named: Map<string, string> } {
  const positional: string[] = [];
  const named = new Map<string, string>();
  for (const a of args) {
    const n = namedArg(a);
    if (!n) {
      if (named.size) throw errors.badRequest(`${fn}: a positional argument follows a named one (${a}).`);
      positional.push(a);
      continue;
    }
    const key = [...allowed].find((k) => k.toLowerCase() === n.name.toLowerCase());
    if (!key) throw errors.invalidParameter(n.name, `${fn} has no argument named '${n.name}' (it takes ${[...allowed].join(", ")}).`);
    named.set(key, n.value);
  }
  return { positional, named };
}

function literalOption(fn: string, name: string, text: string): string {
  const v = stringLiteral(text);
  if (v === undefined) throw errors.invalidParameter(name, `${fn}: ${name} must be a string literal, not ${text}.`);
  return v;
}

function booleanOption(fn: string, text: string): boolean {
  const t = text.trim().toLowerCase();
  if (t === "true") return true;
  if (t === "false") return false;
  throw errors.invalidParameter("failOnError", `${fn}: failOnError must be true or false, not ${text}.`);
}

function addSite(st: RewriteState, site: Omit<CallSite, "id">, endpoint: string, request: string): string {
  const s: CallSite = { id: st.nextId++, ...site };
  st.sites.push(s);
  const call = `${UDF_NAME}(${s.id}, CAST(${endpoint} AS VARCHAR), CAST(${request} AS VARCHAR))`;
  return sendsJson(s) ? `CAST(CAST(${call} AS JSON) AS ${valueType(s)})` : call;
}

/** The endpoint's task when the argument is a literal (recorded for the permission check); undefined for an expression. */
function literalEndpoint(fn: string, text: string, st: RewriteState): Task | undefined {
  const name = stringLiteral(text);
  if (name === undefined) return undefined;
  const task = st.ctx.taskOf(name);
  if (!task) throw errors.notFound(`${fn}: endpoint with name '${name}' does not exist.`);
  st.endpoints.add(name);
  return task;
}

function aiQuery(args: string[], st: RewriteState): string {
  const fn = "ai_query";
  const { positional, named } = split(fn, args, OPTIONS);
  if (positional.length < 2) throw errors.badRequest("ai_query takes an endpoint and a request: ai_query(endpoint, request [, returnType => …] [, failOnError => …] [, modelParameters => …] [, responseFormat => …]).");
  if (positional.length > 3) throw errors.badRequest("ai_query takes at most three positional arguments (endpoint, request, returnType).");
  const [endpoint, request, positionalType] = positional as [string, string, string | undefined];
  const task = literalEndpoint(fn, endpoint, st);
  const typeText = named.get("returnType") ?? positionalType;
  const returnType = typeText !== undefined ? parseSqlType(literalOption(fn, "returnType", typeText)) : undefined;
  const failOnError = named.has("failOnError") ? booleanOption(fn, named.get("failOnError") as string) : true;
  const paramsText = named.get("modelParameters");
  const endpointName = stringLiteral(endpoint) ?? endpoint;
  const params = paramsText !== undefined ? checkModelParameters(structLiteral(paramsText), task, endpointName) : {};
  const rf = named.has("responseFormat") ? responseFormat(literalOption(fn, "responseFormat", named.get("responseFormat") as string)) : undefined;
  if (rf && task && task !== "llm/v1/chat") throw errors.invalidParameter("responseFormat", `ai_query: responseFormat needs a chat endpoint; '${endpointName}' serves ${task}.`);
  const result: SqlType = returnType ?? rf?.type ?? (task === "llm/v1/embeddings" ? FLOAT_ARRAY : STRING_TYPE);
  const site = { fn, task, failOnError, params, result, responseFormat: rf?.body, structured: rf !== undefined && rf.body["type"] !== "text", prompt: undefined };
  return addSite(st, site, endpoint, request);
}

function responseFormat(text: string): { body: JsonObject; type: SqlType | undefined } {
  const t = text.trim();
  if (t.toLowerCase() === "text") return { body: { type: "text" }, type: undefined };
  if (t.toLowerCase() === "json_object") return { body: { type: "json_object" }, type: undefined };
  if (t.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch {
      throw errors.invalidParameter("responseFormat", "ai_query: responseFormat is not valid JSON.");
    }
    const obj = (typeof parsed === "object" && parsed !== null ? parsed : {}) as JsonObject;
    // Either a whole response_format ({"type":"json_schema","json_schema":{…}}) or a bare JSON schema.
    const js = obj["type"] === "json_schema" ? ((obj["json_schema"] ?? {}) as JsonObject) : { name: "result", schema: obj, strict: true };
    if (typeof js["schema"] !== "object" || js["schema"] === null) throw errors.invalidParameter("responseFormat", "ai_query: responseFormat's json_schema needs a schema object.");
    return { body: { type: "json_schema", json_schema: js }, type: typeOfSchema(js["schema"]) };
  }
  const type = parseSqlType(t);
  const schema = type.kind === "struct" ? schemaOfType(type) : { type: "object", properties: { result: schemaOfType(type) }, required: ["result"], additionalProperties: false };
  return { body: { type: "json_schema", json_schema: { name: "result", schema, strict: true } }, type };
}

function taskCall(fn: string, args: string[], st: RewriteState): string {
  const { positional, named } = split(fn, args, new Set(["endpoint"]));
  const [min, max] = TASK_ARITY[fn] as [number, number];
  if (positional.length < min || positional.length > max) throw errors.badRequest(`${fn} takes ${min === max ? min : `${min} to ${max}`} arguments, not ${positional.length}.`);
  const embeddings = fn === "ai_similarity";
  const fallback = embeddings ? st.ctx.defaultEmbeddingsEndpoint : st.ctx.defaultChatEndpoint;
  const endpoint = named.get("endpoint") ?? (fallback !== undefined ? quote(fallback) : undefined);
  if (endpoint === undefined) {
    throw errors.badRequest(`${fn}: no endpoint named and no default ${embeddings ? "embeddings" : "chat"} endpoint configured; write ${fn}(…, endpoint => 'name') or start the gateway with --sql-default-${embeddings ? "embeddings" : "chat"}-endpoint.`);
  }
  const task = literalEndpoint(fn, endpoint, st);
  const text = positional[0] as string;
  if (embeddings) {
    const site = { fn, task, failOnError: true, params: {}, result: FLOAT_ARRAY, responseFormat: undefined, structured: false, prompt: undefined };
    const a = addSite(st, site, endpoint, text);
    const b = addSite(st, site, endpoint, positional[1] as string);
    return `CAST(list_cosine_similarity(${a}, ${b}) AS FLOAT)`;
  }
  const second = positional[1];
  const labels = second !== undefined ? arrayLiteral(second) : undefined;
  const extra = second !== undefined && !labels ? (stringLiteral(second) ?? second.trim()) : undefined;
  const spec = taskSpec(fn, labels, extra);
  const site = { fn, task, failOnError: true, params: {}, result: spec.result, responseFormat: spec.responseFormat, structured: spec.structured === true, prompt: spec.prompt };
  return addSite(st, site, endpoint, text);
}

/** A literal value: number, string, boolean, NULL or an ARRAY of them. */
function literalValue(text: string): unknown {
  const t = text.trim();
  const s = stringLiteral(t);
  if (s !== undefined) return s;
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return Number(t);
  if (/^true$/i.test(t)) return true;
  if (/^false$/i.test(t)) return false;
  if (/^null$/i.test(t)) return null;
  const list = arrayLiteral(t);
  if (list) return list;
  throw errors.invalidParameter("modelParameters", `ai_query: modelParameters values must be literals, not ${t}.`);
}

/** The strings of `ARRAY('a', 'b')` or `['a', 'b']`; undefined when `text` is not such a literal. */
function arrayLiteral(text: string): string[] | undefined {
  const t = text.trim();
  const m = /^(array|list_value)\s*\(/i.exec(t);
  let inner: string[];
  if (m) {
    const open = m[0].length - 1;
    if (closingParen(t, open) !== t.length - 1) return undefined;
    inner = splitArgs(t, open, t.length - 1);
  } else if (t.startsWith("[") && t.endsWith("]")) {
    inner = splitArgs(`(${t.slice(1, -1)})`, 0, t.length - 1);
  } else return undefined;
  const values = inner.map(stringLiteral);
  return values.every((v): v is string => v !== undefined) ? values : undefined;
}

/** `named_struct('max_tokens', 256, …)` (as written, or already rewritten to struct_pack) as an object of literals. */
function structLiteral(text: string): JsonObject {
  const t = text.trim();
  const m = /^(named_struct|struct_pack)\s*\(/i.exec(t);
  if (!m || closingParen(t, m[0].length - 1) !== t.length - 1) throw errors.invalidParameter("modelParameters", `ai_query: modelParameters must be named_struct('name', value, …), not ${t}.`);
  const args = splitArgs(t, m[0].length - 1, t.length - 1);
  const out: JsonObject = {};
  for (const a of args) {
    const pair = /^"((?:[^"]|"")+)"\s*:=\s*([\s\S]+)$/.exec(a);
    if (!pair) throw errors.invalidParameter("modelParameters", `ai_query: cannot read modelParameters ${t}.`);
    out[(pair[1] as string).replace(/""/g, '"')] = literalValue(pair[2] as string);
  }
  return out;
}

/** `named_struct('a', x, 'b', y)` → `struct_pack("a" := x, "b" := y)`, everywhere in the statement. */
function namedStructs(sql: string): string {
  let out = "";
  let pos = 0;
  for (let call = findCall(sql, STRUCT_NAMES, pos); call; call = findCall(sql, STRUCT_NAMES, pos)) {
    const args = splitArgs(sql, call.open, call.close).map(namedStructs);
    if (args.length % 2 !== 0) throw errors.badRequest("named_struct takes name, value pairs.");
    const pairs: string[] = [];
    for (let i = 0; i < args.length; i += 2) {
      const name = stringLiteral(args[i] as string);
      if (name === undefined) throw errors.badRequest(`named_struct: field names must be string literals, not ${args[i]}.`);
      pairs.push(`"${name.replace(/"/g, '""')}" := ${args[i + 1]}`);
    }
    out += sql.slice(pos, call.start) + `struct_pack(${pairs.join(", ")})`;
    pos = call.close + 1;
  }
  return out + sql.slice(pos);
}

/** Databricks' `:name` parameter markers → their values as SQL literals (not `::type` casts, not inside literals). */
function parameterMarkers(sql: string, parameters: ReadonlyMap<string, string>): string {
  let out = "";
  for (let i = 0; i < sql.length; ) {
    const skip = skipOpaque(sql, i);
    if (skip !== i) {
      out += sql.slice(i, skip);
      i = skip;
      continue;
    }
    const c = sql[i] as string;
    if (c === ":" && sql[i - 1] !== ":" && /[A-Za-z_]/.test(sql[i + 1] ?? "")) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))?.[0] as string;
      const value = parameters.get(name);
      if (value === undefined) throw errors.invalidParameter("parameters", `The statement uses the parameter :${name}, which the request's parameters do not set.`);
      out += value;
      i += 1 + name.length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}
