/**
 * Copyable code for the request in the Query panel: curl, the OpenAI Python and
 * TypeScript clients, and MLflow's deployments client. Each snippet is generated from the
 * body as it is in the editor, so what is copied is what was (or will be) sent. The token
 * is always read from DATABRICKS_TOKEN, never written out. Pure (no browser imports), so
 * Node's unit tests run this module as it is.
 */
import { jsKey, jsString, pyString, shellQuote, toJs, toPython } from "../../components/code-literals.js";
import type { QueryTask } from "./examples.js";

export { shellQuote, toJs, toPython } from "../../components/code-literals.js";

export interface SnippetInput {
  /** The gateway's origin, e.g. `https://tessera.example.com`. */
  host: string;
  endpoint: string;
  task: QueryTask;
  body: Record<string, unknown>;
}

/** Chat, completions and embeddings parameters the OpenAI SDKs (v1+) accept by name; others go in `extra_body`. */
const OPENAI_PARAMS: Record<QueryTask, ReadonlySet<string>> = {
  "llm/v1/chat": new Set(
    "messages audio frequency_penalty function_call functions logit_bias logprobs max_completion_tokens max_tokens metadata modalities n parallel_tool_calls prediction presence_penalty prompt_cache_key reasoning_effort response_format safety_identifier seed service_tier stop store stream stream_options temperature tool_choice tools top_logprobs top_p user verbosity web_search_options".split(" "),
  ),
  "llm/v1/completions": new Set("prompt best_of echo frequency_penalty logit_bias logprobs max_tokens n presence_penalty seed stop stream stream_options suffix temperature top_p user".split(" ")),
  "llm/v1/embeddings": new Set("input dimensions encoding_format user".split(" ")),
};

function invocationsUrl(i: SnippetInput): string {
  return `${i.host}/serving-endpoints/${encodeURIComponent(i.endpoint)}/invocations`;
}

/** The body without `model`: the SDK snippets name the endpoint as the model themselves. */
function sdkParams(i: SnippetInput): { known: Array<[string, unknown]>; extra: Record<string, unknown> } {
  const allowed = OPENAI_PARAMS[i.task];
  const known: Array<[string, unknown]> = [];
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(i.body)) {
    if (k === "model") continue;
    if (allowed.has(k)) known.push([k, v]);
    else extra[k] = v;
  }
  return { known, extra };
}

const streams = (i: SnippetInput) => i.body["stream"] === true;

export function curlSnippet(i: SnippetInput): string {
  return [
    `curl ${streams(i) ? "-N " : ""}-X POST ${shellQuote(invocationsUrl(i))} \\`,
    `  -H "Authorization: Bearer $DATABRICKS_TOKEN" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d ${shellQuote(JSON.stringify(i.body, null, 2))}`,
  ].join("\n");
}

const PY_CALL: Record<QueryTask, { method: string; print: string; printChunk: string }> = {
  "llm/v1/chat": { method: "client.chat.completions.create", print: "response.choices[0].message.content", printChunk: "chunk.choices[0].delta.content or \"\"" },
  "llm/v1/completions": { method: "client.completions.create", print: "response.choices[0].text", printChunk: "chunk.choices[0].text" },
  "llm/v1/embeddings": { method: "client.embeddings.create", print: "[len(d.embedding) for d in response.data]", printChunk: "" },
};

export function openAiPythonSnippet(i: SnippetInput): string {
  const { known, extra } = sdkParams(i);
  const args = [`model=${pyString(i.endpoint)}`, ...known.map(([k, v]) => `${k}=${toPython(v, 1)}`)];
  if (Object.keys(extra).length) args.push(`extra_body=${toPython(extra, 1)}`);
  const call = PY_CALL[i.task];
  const head = [
    "import os",
    "from openai import OpenAI",
    "",
    `host = ${pyString(i.host)}`,
    "client = OpenAI(",
    '    base_url=f"{host}/serving-endpoints",',
    '    api_key=os.environ["DATABRICKS_TOKEN"],',
    ")",
    "",
  ];
  const callLines = args.map((a) => `    ${a},`).join("\n");
  if (streams(i) && call.printChunk) {
    return [
      ...head,
      `stream = ${call.method}(`,
      callLines,
      ")",
      "for chunk in stream:",
      "    if chunk.choices:",
      `        print(${call.printChunk}, end="", flush=True)`,
      "print()",
    ].join("\n");
  }
  return [...head, `response = ${call.method}(`, callLines, ")", `print(${call.print})`].join("\n");
}

const TS_CALL: Record<QueryTask, { method: string; print: string; printChunk: string }> = {
  "llm/v1/chat": { method: "client.chat.completions.create", print: "response.choices[0]?.message.content", printChunk: 'chunk.choices[0]?.delta?.content ?? ""' },
  "llm/v1/completions": { method: "client.completions.create", print: "response.choices[0]?.text", printChunk: 'chunk.choices[0]?.text ?? ""' },
  "llm/v1/embeddings": { method: "client.embeddings.create", print: "response.data.map((d) => d.embedding.length)", printChunk: "" },
};

export function openAiTypeScriptSnippet(i: SnippetInput): string {
  const { known, extra } = sdkParams(i);
  const props = [`model: ${jsString(i.endpoint)},`, ...known.map(([k, v]) => `${jsKey(k)}: ${toJs(v, 1)},`)];
  if (Object.keys(extra).length) {
    // Spread, so TypeScript's excess-property check lets them through; the SDK sends them as they are.
    props.push("// Not in the OpenAI types: sent as they are.", `...${toJs(extra, 1)},`);
  }
  const call = TS_CALL[i.task];
  const head = [
    'import OpenAI from "openai";',
    "",
    "const client = new OpenAI({",
    `  baseURL: ${jsString(`${i.host}/serving-endpoints`)},`,
    "  apiKey: process.env.DATABRICKS_TOKEN,",
    "});",
    "",
  ];
  const body = props.map((p) => `  ${p}`).join("\n");
  if (streams(i) && call.printChunk) {
    return [...head, `const stream = await ${call.method}({`, body, "});", "for await (const chunk of stream) {", `  process.stdout.write(${call.printChunk});`, "}"].join("\n");
  }
  return [...head, `const response = await ${call.method}({`, body, "});", `console.log(${call.print});`].join("\n");
}

export function mlflowSnippet(i: SnippetInput): string {
  const stream = streams(i);
  // predict_stream sets `stream` itself.
  const { stream: _s, ...inputs } = i.body;
  const head = [
    "# Reads DATABRICKS_HOST and DATABRICKS_TOKEN from the environment:",
    `#   export DATABRICKS_HOST=${shellQuote(i.host)}`,
    "#   export DATABRICKS_TOKEN=<your token>",
    "from mlflow.deployments import get_deploy_client",
    "",
    'client = get_deploy_client("databricks")',
  ];
  if (stream) {
    return [...head, "for chunk in client.predict_stream(", `    endpoint=${pyString(i.endpoint)},`, `    inputs=${toPython(inputs, 1)},`, "):", "    print(chunk)"].join("\n");
  }
  return [...head, "response = client.predict(", `    endpoint=${pyString(i.endpoint)},`, `    inputs=${toPython(i.body, 1)},`, ")", "print(response)"].join("\n");
}

export type SnippetKind = "curl" | "python" | "typescript" | "mlflow";

export const SNIPPETS: ReadonlyArray<{ id: SnippetKind; label: string; make: (i: SnippetInput) => string }> = [
  { id: "curl", label: "curl", make: curlSnippet },
  { id: "python", label: "Python (OpenAI)", make: openAiPythonSnippet },
  { id: "typescript", label: "TypeScript (OpenAI)", make: openAiTypeScriptSnippet },
  { id: "mlflow", label: "MLflow", make: mlflowSnippet },
];
