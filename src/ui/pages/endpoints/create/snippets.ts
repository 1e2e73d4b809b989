/**
 * What the review step shows: the request body with every plaintext credential replaced
 * by a placeholder (a value typed into the form is never repeated on screen), and the
 * same request as `curl` and as Python `mlflow.deployments`. Pure, for the Node tests.
 */

const REDACTED = "[REDACTED]";

/** A deep copy of `value` where each `…_plaintext` string is `<field name>`. */
export function maskPlaintext(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskPlaintext);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = k.endsWith("_plaintext") && typeof v === "string" && v !== REDACTED ? `<${k.slice(0, -"_plaintext".length)}>` : maskPlaintext(v);
  }
  return out;
}

/** POSIX shell single-quoting. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function curlSnippet(host: string, body: unknown): string {
  return [
    `curl -X POST ${shellQuote(`${host}/api/2.0/serving-endpoints`)} \\`,
    `  -H "Authorization: Bearer $DATABRICKS_TOKEN" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d ${shellQuote(JSON.stringify(maskPlaintext(body), null, 2))}`,
  ].join("\n");
}

/** A Python literal for a JSON value (True/False/None; JSON string escapes are valid Python). */
export function toPython(value: unknown, indent = 0): string {
  const pad = " ".repeat(indent + 4);
  const end = " ".repeat(indent);
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "None";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (!value.length) return "[]";
    return `[\n${value.map((v) => pad + toPython(v, indent + 4)).join(",\n")},\n${end}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (!entries.length) return "{}";
  return `{\n${entries.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${toPython(v, indent + 4)}`).join(",\n")},\n${end}}`;
}

/**
 * `get_deploy_client("databricks").create_endpoint(…)`. With only a name and a config it is
 * the long-standing `name=…, config=…` call; a body with more (description, ai_gateway) is
 * passed whole as `config`, which recent MLflow sends as is (the older call drops those).
 */
export function mlflowSnippet(host: string, body: Record<string, unknown>): string {
  const masked = maskPlaintext(body) as Record<string, unknown>;
  const simple = Object.keys(masked).every((k) => k === "name" || k === "config");
  const head = [
    "# pip install mlflow",
    `# export DATABRICKS_HOST=${host}`,
    "# export DATABRICKS_TOKEN=<your token>",
    "from mlflow.deployments import get_deploy_client",
    "",
    'client = get_deploy_client("databricks")',
  ];
  const call = simple
    ? [`endpoint = client.create_endpoint(`, `    name=${JSON.stringify(masked["name"])},`, `    config=${toPython(masked["config"], 4)},`, `)`]
    : [`# The whole request body as config: recent MLflow sends it as is`, `endpoint = client.create_endpoint(`, `    config=${toPython(masked, 4)},`, `)`];
  return [...head, ...call, `print(endpoint["name"], endpoint["state"])`].join("\n");
}
