/**
 * The form of `custom_provider_config`: an OpenAI-compatible server's URL and, optionally,
 * a bearer token or an API-key header (name and value) — one of the two, or neither.
 */
import type { ProviderForm } from "../form.js";

export const customForm: ProviderForm = {
  label: "Custom (OpenAI-compatible)",
  description: "Any server speaking the OpenAI API: vLLM, TGI, Ollama, LM Studio, a proxy… Authentication is optional: a bearer token, an API-key header, or none for a local server.",
  fields: [
    {
      path: "custom_provider_url",
      label: "Server URL",
      kind: "url",
      required: true,
      placeholder: "http://vllm:8000/v1",
      help: "The OpenAI-style base; /chat/completions, /completions and /embeddings are added to it.",
    },
    {
      path: "bearer_token_auth.token",
      label: "Bearer token",
      kind: "secret",
      help: "Sent as Authorization: Bearer. Leave empty for an API-key header, or leave both empty for a server that needs no authentication.",
    },
    {
      path: "api_key_auth.key",
      label: "API-key header name",
      kind: "text",
      placeholder: "x-api-key",
      help: "Instead of a bearer token: a header name, with its value below.",
    },
    { path: "api_key_auth.value", label: "API-key header value", kind: "secret" },
  ],
  example_models: {
    "llm/v1/chat": ["meta-llama/Llama-3.1-8B-Instruct", "mistralai/Mistral-7B-Instruct-v0.3", "qwen2.5:7b"],
    "llm/v1/completions": ["meta-llama/Llama-3.1-8B", "mistralai/Mistral-7B-v0.3"],
    "llm/v1/embeddings": ["BAAI/bge-small-en-v1.5", "nomic-embed-text"],
  },
};
