/**
 * The provider registry: every provider definition, found by its `provider` value.
 * Adding a provider means adding its folder and one line here.
 */
import type { JsonObject } from "../gateway/types.js";
import type { ProviderDefinition } from "./provider.js";
import { openaiProvider } from "./openai/index.js";
import { customProvider } from "./custom/index.js";
import { databricksModelServingProvider } from "./databricks-model-serving/index.js";
import { ai21labsProvider } from "./ai21labs/index.js";
import { cohereProvider } from "./cohere/index.js";
import { anthropicProvider } from "./anthropic/index.js";
import { amazonBedrockProvider } from "./amazon-bedrock/index.js";
import { googleCloudVertexAiProvider } from "./google-cloud-vertex-ai/index.js";

type AnyDefinition = ProviderDefinition<JsonObject>;

const definitions = new Map<string, AnyDefinition>();

function register<C extends JsonObject>(def: ProviderDefinition<C>): void {
  definitions.set(def.name, def as unknown as AnyDefinition);
}

register(openaiProvider);
register(customProvider);
register(databricksModelServingProvider);
register(ai21labsProvider);
register(cohereProvider);
register(anthropicProvider);
register(amazonBedrockProvider);
register(googleCloudVertexAiProvider);

/** The definition for a `provider` value, or undefined when none is registered. */
export function getProvider(name: string): AnyDefinition | undefined {
  return definitions.get(name);
}

/** Names of every registered provider, for error messages and docs. */
export function providerNames(): string[] {
  return [...definitions.keys()].sort();
}

/** Every registered definition, by name: the provider catalogue lists them. */
export function providerDefinitions(): AnyDefinition[] {
  return providerNames().map((n) => definitions.get(n) as AnyDefinition);
}

/** The outbound-network pieces the control plane builds for each served entity (common/network.ts). */
export { buildDispatcher, proxyEnvOf, type NetworkSettings, type ProxyEnv } from "./common/network.js";
