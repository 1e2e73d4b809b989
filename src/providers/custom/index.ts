/**
 * `custom`: any OpenAI-compatible server behind `custom_provider_url` (an OpenAI-style
 * base such as `http://vllm:8000/v1`), authenticated by `bearer_token_auth {token}` or
 * `api_key_auth {key, value}` (a header name and its value), or by nothing.
 */
import type { JsonObject } from "../../gateway/types.js";
import { ConfigReader, createOpenAICompatibleProvider, joinUrl, OPERATION_PATHS } from "../openai-compatible/index.js";
import type { ProviderDefinition } from "../provider.js";
import { customForm } from "./form.js";

interface CustomConfig extends JsonObject {
  custom_provider_url: string;
  api_key_header?: string;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const RESERVED_HEADERS = new Set(["host", "content-length", "content-type", "transfer-encoding", "connection", "accept", "upgrade", "te", "trailer", "keep-alive"]);

export const customProvider: ProviderDefinition<CustomConfig> = {
  name: "custom",
  configKey: "custom_provider_config",
  tasks: ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"],
  credentialFields: ["bearer_token_auth.token", "api_key_auth.value"],
  destinationFields: ["custom_provider_url"],
  form: customForm,
  parseConfig(raw, has) {
    const r = new ConfigReader(raw);
    const url = r.required("custom_provider_url");
    if (url !== undefined) r.url("custom_provider_url");
    let apiKeyHeader: string | undefined;
    const apiKeyAuth = raw["api_key_auth"];
    if (apiKeyAuth !== undefined) {
      const key = apiKeyAuth && typeof apiKeyAuth === "object" ? (apiKeyAuth as JsonObject)["key"] : undefined;
      if (typeof key !== "string" || !HEADER_NAME.test(key)) {
        r.issues.push({ field: "api_key_auth.key", message: "must be a valid HTTP header name" });
      } else if (RESERVED_HEADERS.has(key.toLowerCase())) {
        r.issues.push({ field: "api_key_auth.key", message: `must not be ${key}: the gateway sets that header itself` });
      } else {
        apiKeyHeader = key;
      }
      if (!has("api_key_auth.value")) r.requireCredential("api_key_auth.value", has);
    }
    if (raw["bearer_token_auth"] !== undefined && !has("bearer_token_auth.token")) r.requireCredential("bearer_token_auth.token", has);
    if (has("bearer_token_auth.token") && apiKeyHeader) {
      r.issues.push({ field: "bearer_token_auth", message: "give either bearer_token_auth or api_key_auth, not both" });
    }
    return r.result({ custom_provider_url: url ?? "", ...(apiKeyHeader ? { api_key_header: apiKeyHeader } : {}) });
  },
  create({ model, task, config, credentials, dispatcher }) {
    const headers: Record<string, string> = {};
    const bearer = credentials.get("bearer_token_auth.token");
    const keyValue = credentials.get("api_key_auth.value");
    if (bearer) headers["authorization"] = `Bearer ${bearer}`;
    if (keyValue && config.api_key_header) headers[config.api_key_header.toLowerCase()] = keyValue;
    return createOpenAICompatibleProvider({
      dispatcher,
      provider: "custom",
      task,
      bodyModel: model,
      includeUsage: true,
      secrets: [...credentials.values()],
      target: (op) => ({ url: joinUrl(config.custom_provider_url, OPERATION_PATHS[op]), headers }),
    });
  },
};
