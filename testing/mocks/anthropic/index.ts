/** The Anthropic mock and what tests use with it. */
export { startMockAnthropic, type MockAnthropicOptions } from "./server.js";
export { validateRequest } from "./validate.js";
export { anthropicFixtures } from "./conformance.js";
