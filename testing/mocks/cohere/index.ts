export { startMockCohere } from "./server.js";
export type { MockCohereOptions } from "./server.js";
export { cohereFixtures, cohereView, COHERE_CONFORMANCE_KEY } from "./conformance.js";
