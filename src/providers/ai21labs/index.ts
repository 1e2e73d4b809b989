/**
 * `ai21labs`: AI21 Studio's OpenAI-compatible chat API (Jamba). `ai21labs_api_base`
 * (Tessera extension, default `https://api.ai21.com/studio/v1`) redirects it.
 */
import type { JsonObject } from "../../gateway/types.js";
import { ConfigReader, createOpenAICompatibleProvider, joinUrl, OPERATION_PATHS } from "../openai-compatible/index.js";
import type { ProviderDefinition } from "../provider.js";
import { ai21labsForm } from "./form.js";

interface Ai21Config extends JsonObject {
  ai21labs_api_base: string;
}

export const ai21labsProvider: ProviderDefinition<Ai21Config> = {
  name: "ai21labs",
  configKey: "ai21labs_config",
  tasks: ["llm/v1/chat"],
  credentialFields: ["ai21labs_api_key"],
  destinationFields: ["ai21labs_api_base"],
  form: ai21labsForm,
  parseConfig(raw, has) {
    const r = new ConfigReader(raw);
    r.requireCredential("ai21labs_api_key", has);
    const base = r.url("ai21labs_api_base") ?? "https://api.ai21.com/studio/v1";
    return r.result({ ai21labs_api_base: base });
  },
  create({ model, task, config, credentials, dispatcher }) {
    const key = credentials.get("ai21labs_api_key") ?? "";
    const headers = { authorization: `Bearer ${key}` };
    return createOpenAICompatibleProvider({
      dispatcher,
      provider: "ai21labs",
      task,
      bodyModel: model,
      includeUsage: true,
      secrets: [key],
      target: (op) => ({ url: joinUrl(config.ai21labs_api_base, OPERATION_PATHS[op]), headers }),
    });
  },
};
