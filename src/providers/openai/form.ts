/**
 * The form of `openai_config`: OpenAI itself, Azure OpenAI with an API key, or Azure
 * OpenAI with Microsoft Entra ID client credentials — each type shows its own fields.
 */
import type { ProviderForm } from "../form.js";

const AZURE = { path: "openai_api_type", values: ["azure", "azuread"] };

export const openaiForm: ProviderForm = {
  label: "OpenAI / Azure OpenAI",
  description: "OpenAI's API, or an Azure OpenAI deployment signed in with an API key or Microsoft Entra ID.",
  fields: [
    {
      path: "openai_api_type",
      label: "API type",
      kind: "select",
      required: true,
      options: ["openai", "azure", "azuread"],
      help: "azure: Azure OpenAI with an API key; azuread: with Microsoft Entra ID.",
    },
    {
      path: "openai_api_key",
      label: "API key",
      kind: "secret",
      required: true,
      when: { path: "openai_api_type", values: ["openai", "azure"] },
    },
    {
      path: "openai_api_base",
      label: "API base URL",
      kind: "url",
      placeholder: "https://api.openai.com/v1",
      help: "Leave empty for OpenAI; set it for a proxy or an OpenAI-compatible server.",
      when: { path: "openai_api_type", values: ["openai"] },
    },
    {
      path: "openai_organization",
      label: "Organization",
      kind: "text",
      placeholder: "org-…",
      help: "Sent as the OpenAI-Organization header.",
      when: { path: "openai_api_type", values: ["openai"] },
    },
    {
      path: "openai_api_base",
      label: "Azure OpenAI endpoint",
      kind: "url",
      required: true,
      placeholder: "https://my-resource.openai.azure.com",
      when: AZURE,
    },
    { path: "openai_deployment_name", label: "Deployment name", kind: "text", required: true, placeholder: "gpt-4o", when: AZURE },
    { path: "openai_api_version", label: "API version", kind: "text", required: true, placeholder: "2024-10-21", when: AZURE },
    {
      path: "microsoft_entra_tenant_id",
      label: "Entra tenant ID",
      kind: "text",
      required: true,
      placeholder: "00000000-0000-0000-0000-000000000000",
      when: { path: "openai_api_type", values: ["azuread"] },
    },
    {
      path: "microsoft_entra_client_id",
      label: "Entra client ID",
      kind: "text",
      required: true,
      placeholder: "00000000-0000-0000-0000-000000000000",
      when: { path: "openai_api_type", values: ["azuread"] },
    },
    {
      path: "microsoft_entra_client_secret",
      label: "Entra client secret",
      kind: "secret",
      required: true,
      when: { path: "openai_api_type", values: ["azuread"] },
    },
    {
      path: "microsoft_entra_authority_host",
      label: "Entra authority host",
      kind: "url",
      placeholder: "https://login.microsoftonline.com",
      help: "Only for sovereign clouds.",
      when: { path: "openai_api_type", values: ["azuread"] },
    },
  ],
  example_models: {
    "llm/v1/chat": ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o3-mini"],
    "llm/v1/completions": ["gpt-3.5-turbo-instruct", "davinci-002"],
    "llm/v1/embeddings": ["text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"],
  },
};
