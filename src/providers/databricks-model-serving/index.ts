/**
 * `databricks-model-serving`: another Databricks-shaped serving endpoint (a Databricks
 * workspace, or another Tessera). `databricks_workspace_url` is the host;
 * `external_model.name` is the remote endpoint's name, queried through its
 * `/serving-endpoints/{name}/invocations` route with the OpenAI-shaped bodies.
 */
import type { JsonObject } from "../../gateway/types.js";
import { ConfigReader, createOpenAICompatibleProvider, joinUrl } from "../openai-compatible/index.js";
import type { ProviderDefinition } from "../provider.js";
import { databricksModelServingForm } from "./form.js";

interface DatabricksConfig extends JsonObject {
  databricks_workspace_url: string;
}

export const databricksModelServingProvider: ProviderDefinition<DatabricksConfig> = {
  name: "databricks-model-serving",
  configKey: "databricks_model_serving_config",
  tasks: ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"],
  credentialFields: ["databricks_api_token"],
  destinationFields: ["databricks_workspace_url"],
  form: databricksModelServingForm,
  parseConfig(raw, has) {
    const r = new ConfigReader(raw);
    r.requireCredential("databricks_api_token", has);
    const url = r.required("databricks_workspace_url");
    if (url !== undefined) r.url("databricks_workspace_url");
    return r.result({ databricks_workspace_url: url ?? "" });
  },
  create({ model, task, config, credentials, dispatcher }) {
    const token = credentials.get("databricks_api_token") ?? "";
    const url = joinUrl(config.databricks_workspace_url, `serving-endpoints/${encodeURIComponent(model)}/invocations`);
    const headers = { authorization: `Bearer ${token}` };
    return createOpenAICompatibleProvider({
      dispatcher,
      provider: "databricks-model-serving",
      task,
      // The remote endpoint is named in the URL; its own served model answers.
      bodyModel: undefined,
      includeUsage: false,
      secrets: [token],
      target: () => ({ url, headers }),
    });
  },
};
