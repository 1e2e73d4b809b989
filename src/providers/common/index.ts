/** What native provider adapters share: upstream HTTP, SSE reading, parameter rules, content readers, chunk building. */
export * from "./http.js";
export * from "./sse-events.js";
export * from "./params.js";
export * from "./content.js";
export * from "./chunks.js";
export * from "./thinking.js";
export * from "./completions-via-chat.js";
