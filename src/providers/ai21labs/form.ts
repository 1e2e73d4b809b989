/** The form of `ai21labs_config`: the API key and an optional base URL. */
import type { ProviderForm } from "../form.js";

export const ai21labsForm: ProviderForm = {
  label: "AI21 Labs",
  description: "AI21's Jamba models through AI21 Studio.",
  fields: [
    { path: "ai21labs_api_key", label: "API key", kind: "secret", required: true },
    {
      path: "ai21labs_api_base",
      label: "API base URL",
      kind: "url",
      placeholder: "https://api.ai21.com/studio/v1",
      help: "Leave empty for AI21 Studio; set it for a proxy.",
    },
  ],
  example_models: { "llm/v1/chat": ["jamba-large", "jamba-mini"] },
};
