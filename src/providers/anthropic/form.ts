/** The form of `anthropic_config`: the API key, and a base URL for a proxy. */
import type { ProviderForm } from "../form.js";

export const anthropicForm: ProviderForm = {
  label: "Anthropic",
  description: "Claude models through Anthropic's Messages API.",
  fields: [
    { path: "anthropic_api_key", label: "API key", kind: "secret", required: true },
    {
      path: "anthropic_api_base",
      label: "API base URL",
      kind: "url",
      placeholder: "https://api.anthropic.com",
      help: "Leave empty for Anthropic's API; set it for a proxy.",
    },
  ],
  example_models: {
    "llm/v1/chat": ["claude-sonnet-4-5", "claude-opus-4-1", "claude-3-5-haiku-latest"],
    "llm/v1/completions": ["claude-sonnet-4-5", "claude-3-5-haiku-latest"],
  },
};
