export {
  startMockOpenAI,
  embedText,
  MOCK_CONTENT,
  MOCK_MODEL,
  MOCK_EMBEDDING_DIMS,
  MOCK_TOOL_LOCATIONS,
  MOCK_MIDSTREAM_ERROR_MESSAGE,
} from "./server.js";
export type { MockOpenAI, MockOpenAIOptions, RecordedRequest } from "./server.js";
