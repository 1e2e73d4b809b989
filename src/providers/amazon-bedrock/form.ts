/**
 * The form of `amazon_bedrock_config`: region, model family and an access key pair
 * (instance profiles are not supported, so they are not offered).
 */
import type { ProviderForm } from "../form.js";
import { BEDROCK_FAMILIES } from "./config.js";

export const amazonBedrockForm: ProviderForm = {
  label: "Amazon Bedrock",
  description: "Models hosted on Amazon Bedrock (Claude, Nova, Titan, Command, Jamba), signed with an AWS access key.",
  fields: [
    { path: "aws_region", label: "AWS region", kind: "text", required: true, placeholder: "us-east-1" },
    {
      path: "bedrock_provider",
      label: "Model family",
      kind: "select",
      required: true,
      options: [...BEDROCK_FAMILIES],
      help: "The family of the model ID. Embeddings: amazon (Titan) or cohere.",
    },
    { path: "aws_access_key_id", label: "Access key ID", kind: "secret", required: true },
    { path: "aws_secret_access_key", label: "Secret access key", kind: "secret", required: true },
    { path: "aws_session_token", label: "Session token", kind: "secret", help: "Only for temporary credentials." },
    {
      path: "aws_endpoint_url",
      label: "Endpoint URL",
      kind: "url",
      placeholder: "https://bedrock-runtime.us-east-1.amazonaws.com",
      help: "Leave empty for the region's public endpoint.",
    },
  ],
  example_models: {
    "llm/v1/chat": [
      "anthropic.claude-3-5-sonnet-20240620-v1:0",
      "anthropic.claude-3-haiku-20240307-v1:0",
      "amazon.nova-pro-v1:0",
      "cohere.command-r-plus-v1:0",
      "ai21.jamba-1-5-large-v1:0",
    ],
    "llm/v1/completions": ["anthropic.claude-3-haiku-20240307-v1:0", "amazon.nova-lite-v1:0"],
    "llm/v1/embeddings": ["amazon.titan-embed-text-v2:0", "cohere.embed-english-v3", "cohere.embed-multilingual-v3"],
  },
};
