/** Every provider's conformance fixtures, in the order the matrix shows them. */
import type { ConformanceFixture } from "./conformance.js";
import { openaiWireFixtures } from "./openai/conformance.js";
import { cohereFixtures } from "./cohere/conformance.js";
import { anthropicFixtures } from "./anthropic/conformance.js";
import { amazonBedrockFixtures } from "./amazon-bedrock/conformance.js";
import { vertexFixtures } from "./google-cloud-vertex-ai/conformance.js";

export const ALL_FIXTURES: readonly ConformanceFixture[] = [...openaiWireFixtures, ...anthropicFixtures, ...amazonBedrockFixtures, ...vertexFixtures, ...cohereFixtures];
