/**
 * What the review step shows: the request body with every plaintext credential replaced
 * by a placeholder (a value typed into the form is never repeated on screen), and the
 * same request as `curl` and as Python `mlflow.deployments`. Pure, for the Node tests.
 */
import { shellQuote, toPython } from "../../../components/code-literals.js";
import { maskPlaintext as maskWith } from "../form/model.js";

export { shellQuote, toPython } from "../../../components/code-literals.js";

/** The body with each plaintext credential shown as `<field name>`. */
export function maskPlaintext(value: unknown): unknown {
  return maskWith(value, (field) => `<${field}>`);
}

export function curlSnippet(host: string, body: unknown): string {
  return [
    `curl -X POST ${shellQuote(`${host}/api/2.0/serving-endpoints`)} \\`,
    `  -H "Authorization: Bearer $DATABRICKS_TOKEN" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d ${shellQuote(JSON.stringify(maskPlaintext(body), null, 2))}`,
  ].join("\n");
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
    ? [`endpoint = client.create_endpoint(`, `    name=${JSON.stringify(masked["name"])},`, `    config=${toPython(masked["config"], 1)},`, `)`]
    : [`# The whole request body as config: recent MLflow sends it as is`, `endpoint = client.create_endpoint(`, `    config=${toPython(masked, 1)},`, `)`];
  return [...head, ...call, `print(endpoint["name"], endpoint["state"])`].join("\n");
}
