/** The form of `databricks_model_serving_config`: the workspace and its token. */
import type { ProviderForm } from "../form.js";

export const databricksModelServingForm: ProviderForm = {
  label: "Databricks Model Serving",
  description: "An endpoint of a Databricks workspace, or of another Tessera; the model name is the remote endpoint's name.",
  fields: [
    {
      path: "databricks_workspace_url",
      label: "Workspace URL",
      kind: "url",
      required: true,
      placeholder: "https://my-workspace.cloud.databricks.com",
    },
    { path: "databricks_api_token", label: "Access token", kind: "secret", required: true },
  ],
  example_models: {
    "llm/v1/chat": ["databricks-meta-llama-3-3-70b-instruct", "databricks-claude-sonnet-4"],
    "llm/v1/completions": ["databricks-meta-llama-3-3-70b-instruct"],
    "llm/v1/embeddings": ["databricks-gte-large-en", "databricks-bge-large-en"],
  },
};
