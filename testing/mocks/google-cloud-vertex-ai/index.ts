/** The mock Vertex AI and what tests use with it. */
export { startMockVertex, isTokenRequest, CLOUD_PLATFORM_SCOPE } from "./server.js";
export type { MockVertex, MockVertexOptions, MockVertexSettings } from "./server.js";
export { serviceAccountKeyFor, sharedKeyPair, newKeyPair, clientEmailOf, MOCK_PROJECT, MOCK_REGION, MOCK_KEY_ID } from "./keys.js";
export type { MockKeyPair, ServiceAccountKeyJson } from "./keys.js";
export { embeddingOf, embedTokens, DEFAULT_EMBED_DIMS, RETRY_INFO_TYPE } from "./render.js";
export { vertexFixtures } from "./conformance.js";
