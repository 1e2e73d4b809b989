/** The form of `google_cloud_vertex_ai_config`: project, region and the service-account key. */
import type { ProviderForm } from "../form.js";

export const googleCloudVertexAiForm: ProviderForm = {
  label: "Google Cloud Vertex AI",
  description: "Gemini models on Vertex AI, signed in with a service-account key.",
  fields: [
    { path: "project_id", label: "Project ID", kind: "text", required: true, placeholder: "my-project" },
    { path: "region", label: "Region", kind: "text", required: true, placeholder: "us-central1", help: "A Google Cloud region, or global." },
    {
      path: "private_key",
      label: "Service-account key",
      kind: "secret",
      required: true,
      help: "The whole key JSON file downloaded from Google Cloud.",
    },
    {
      path: "vertex_api_base",
      label: "API base URL",
      kind: "url",
      placeholder: "https://us-central1-aiplatform.googleapis.com",
      help: "Leave empty for the region's endpoint.",
    },
  ],
  example_models: {
    "llm/v1/chat": ["gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.0-flash"],
    "llm/v1/completions": ["gemini-2.5-flash", "gemini-2.0-flash"],
    "llm/v1/embeddings": ["text-embedding-005", "gemini-embedding-001", "text-multilingual-embedding-002"],
  },
};
