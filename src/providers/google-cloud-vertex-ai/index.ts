/**
 * `google-cloud-vertex-ai`: Gemini models on Google Cloud Vertex AI, signed in with a
 * service-account key.
 *
 * @example
 *   "external_model": {
 *     "provider": "google-cloud-vertex-ai", "name": "gemini-2.5-flash", "task": "llm/v1/chat",
 *     "google_cloud_vertex_ai_config": {
 *       "project_id": "my-project", "region": "us-central1",
 *       "private_key": "{{secrets/gcp/vertex-sa-key}}"
 *     }
 *   }
 */
import type { ProviderDefinition } from "../provider.js";
import { parseServiceAccountKey, parseVertexConfig, PRIVATE_KEY_FIELD, type VertexConfig } from "./config.js";
import { createVertexProvider } from "./provider.js";
import { GoogleTokenSource } from "./token-source.js";
import { googleCloudVertexAiForm } from "./form.js";

export type { VertexConfig } from "./config.js";
export { decodeToolCallId, encodeToolCallId } from "./tool-call-id.js";

export const googleCloudVertexAiProvider: ProviderDefinition<VertexConfig> = {
  name: "google-cloud-vertex-ai",
  configKey: "google_cloud_vertex_ai_config",
  imageLimits: true,
  tasks: ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"],
  credentialFields: [PRIVATE_KEY_FIELD],
  destinationFields: ["project_id", "region", "vertex_api_base"],
  form: googleCloudVertexAiForm,
  parseConfig: parseVertexConfig,
  create({ model, config, credentials, dispatcher }) {
    const raw = credentials.get(PRIVATE_KEY_FIELD) ?? "";
    const key = parseServiceAccountKey(raw);
    return createVertexProvider(
      { apiBase: config.vertex_api_base, project: config.project_id, region: config.region, model, dispatcher },
      new GoogleTokenSource(key, raw, Date.now, dispatcher),
    );
  },
};
