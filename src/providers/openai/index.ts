/**
 * `openai`: OpenAI itself (`openai_api_type: openai`, the default), Azure OpenAI with an
 * `api-key` (`azure`), and Azure OpenAI with Microsoft Entra ID client credentials
 * (`azuread`). Azure routes by deployment:
 * `{openai_api_base}/openai/deployments/{deployment}/{op}?api-version={version}`.
 */
import type { JsonObject } from "../../gateway/types.js";
import { ConfigReader, createOpenAICompatibleProvider, joinUrl, OPERATION_PATHS } from "../openai-compatible/index.js";
import type { Operation } from "../openai-compatible/index.js";
import type { ProviderDefinition } from "../provider.js";
import { EntraTokenSource } from "./entra-token.js";
import { openaiForm } from "./form.js";

const API_TYPES = ["openai", "azure", "azuread"] as const;
type ApiType = (typeof API_TYPES)[number];

interface OpenAIConfig extends JsonObject {
  openai_api_type: ApiType;
  openai_api_base: string;
  openai_api_version?: string;
  openai_deployment_name?: string;
  openai_organization?: string;
  microsoft_entra_tenant_id?: string;
  microsoft_entra_client_id?: string;
  microsoft_entra_authority_host: string;
}

export const openaiProvider: ProviderDefinition<OpenAIConfig> = {
  name: "openai",
  configKey: "openai_config",
  tasks: ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"],
  credentialFields: ["openai_api_key", "microsoft_entra_client_secret"],
  destinationFields: ["openai_api_type", "openai_api_base", "microsoft_entra_authority_host", "microsoft_entra_tenant_id"],
  form: openaiForm,
  parseConfig(raw, has) {
    const r = new ConfigReader(raw);
    const type = r.oneOf("openai_api_type", API_TYPES, "openai");
    const base = type === "openai" ? (r.url("openai_api_base") ?? "https://api.openai.com/v1") : r.url("openai_api_base");
    const config: OpenAIConfig = {
      openai_api_type: type,
      openai_api_base: base ?? "",
      microsoft_entra_authority_host: r.url("microsoft_entra_authority_host") ?? "https://login.microsoftonline.com",
    };
    const org = r.string("openai_organization");
    if (org) config.openai_organization = org;
    if (type === "openai") {
      r.requireCredential("openai_api_key", has);
    } else {
      if (base === undefined && !r.issues.some((i) => i.field === "openai_api_base")) {
        r.issues.push({ field: "openai_api_base", message: `is required when openai_api_type is ${type}` });
      }
      config.openai_deployment_name = r.required("openai_deployment_name");
      config.openai_api_version = r.required("openai_api_version");
      if (type === "azure") {
        r.requireCredential("openai_api_key", has);
      } else {
        config.microsoft_entra_tenant_id = r.required("microsoft_entra_tenant_id");
        config.microsoft_entra_client_id = r.required("microsoft_entra_client_id");
        r.requireCredential("microsoft_entra_client_secret", has);
      }
    }
    return r.result(config);
  },
  create({ model, task, config, credentials, dispatcher }) {
    const secrets = [...credentials.values()];
    const common = { provider: "openai", task, includeUsage: true, secrets, dispatcher };
    if (config.openai_api_type === "openai") {
      const headers: Record<string, string> = { authorization: `Bearer ${credentials.get("openai_api_key") ?? ""}` };
      if (config.openai_organization) headers["openai-organization"] = config.openai_organization;
      return createOpenAICompatibleProvider({
        ...common,
        bodyModel: model,
        target: (op) => ({ url: joinUrl(config.openai_api_base, OPERATION_PATHS[op]), headers }),
      });
    }
    const deployment = encodeURIComponent(config.openai_deployment_name ?? "");
    const version = encodeURIComponent(config.openai_api_version ?? "");
    const url = (op: Operation) =>
      joinUrl(config.openai_api_base, `openai/deployments/${deployment}/${OPERATION_PATHS[op]}?api-version=${version}`);
    if (config.openai_api_type === "azure") {
      const headers = { "api-key": credentials.get("openai_api_key") ?? "" };
      return createOpenAICompatibleProvider({ ...common, bodyModel: undefined, target: (op) => ({ url: url(op), headers }) });
    }
    const tokens = new EntraTokenSource({
      authorityHost: config.microsoft_entra_authority_host,
      tenantId: config.microsoft_entra_tenant_id ?? "",
      clientId: config.microsoft_entra_client_id ?? "",
      clientSecret: credentials.get("microsoft_entra_client_secret") ?? "",
      dispatcher,
    });
    // The access token is a credential too: it is scrubbed from upstream errors like the
    // client secret. The shared base reads `secrets` on every call, so the current token is
    // swapped in place.
    const withToken = [...secrets, ""];
    return createOpenAICompatibleProvider({
      ...common,
      secrets: withToken,
      bodyModel: undefined,
      target: async (op) => {
        const token = await tokens.get();
        withToken[withToken.length - 1] = token;
        return { url: url(op), headers: { authorization: `Bearer ${token}` } };
      },
    });
  },
};
