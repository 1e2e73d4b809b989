export { createOpenAICompatibleProvider, joinUrl, OPERATION_PATHS, upstreamBody } from "./provider.js";
export type { Operation, Target, OpenAICompatibleOptions } from "./provider.js";
export { postUpstream, sendUpstream, scrub, transportError, upstreamHttpError } from "../common/http.js";
export { openaiChunks } from "./sse.js";
export { ConfigReader } from "./config.js";
