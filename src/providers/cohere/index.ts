/**
 * `cohere`: Cohere's v2 API — chat (`/v2/chat`, also serving `llm/v1/completions`) and
 * embeddings (`/v2/embed`) — with `cohere_config: {cohere_api_key, cohere_api_base?}`.
 *
 * @example
 *   external_model: { provider: "cohere", name: "command-a-03-2025", task: "llm/v1/chat",
 *     cohere_config: { cohere_api_key: "{{secrets/scope/cohere}}" } }
 */
import type { ProviderDefinition } from "../provider.js";
import { parseCohereConfig, type CohereConfig } from "./config.js";
import { createCohereProvider } from "./provider.js";
import { cohereForm } from "./form.js";

export type { CohereConfig } from "./config.js";

export const cohereProvider: ProviderDefinition<CohereConfig> = {
  name: "cohere",
  configKey: "cohere_config",
  tasks: ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"],
  credentialFields: ["cohere_api_key"],
  destinationFields: ["cohere_api_base"],
  form: cohereForm,
  parseConfig: parseCohereConfig,
  create({ model, task, config, credentials, dispatcher }) {
    return createCohereProvider({ model, task, base: config.cohere_api_base, apiKey: credentials.get("cohere_api_key") ?? "", dispatcher });
  },
};
