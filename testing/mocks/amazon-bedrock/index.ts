export { MOCK_AWS, startMockBedrock, type MockBedrockOptions } from "./server.js";
export { MOCK_EMBEDDING_DIMS, mockEmbedding } from "./embeddings.js";
export { amazonBedrockFixtures, converseView } from "./conformance.js";
