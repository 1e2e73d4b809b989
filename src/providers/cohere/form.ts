/** The form of `cohere_config`: the API key and an optional base URL. */
import type { ProviderForm } from "../form.js";

export const cohereForm: ProviderForm = {
  label: "Cohere",
  description: "Cohere's Command chat models and Embed models (v2 API).",
  fields: [
    { path: "cohere_api_key", label: "API key", kind: "secret", required: true },
    {
      path: "cohere_api_base",
      label: "API base URL",
      kind: "url",
      placeholder: "https://api.cohere.com",
      help: "Leave empty for Cohere's API; set it for a proxy.",
    },
  ],
  example_models: {
    "llm/v1/chat": ["command-a-03-2025", "command-r-plus-08-2024", "command-r-08-2024"],
    "llm/v1/completions": ["command-a-03-2025", "command-r-08-2024"],
    "llm/v1/embeddings": ["embed-v4.0", "embed-english-v3.0", "embed-multilingual-v3.0"],
  },
};
