export { startMockOpenAIWire } from "./server.js";
export { openaiWireFixtures } from "./conformance.js";
