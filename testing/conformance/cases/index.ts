/**
 * The conformance cases every chat adapter runs, end to end: an OpenAI-shaped request into
 * the gateway, a scripted neutral answer out of the provider's mock, and checks on both
 * sides — what the client got (through the official OpenAI SDK where a client would use
 * it) and what reached the provider (through the fixture's view of the native request).
 * A case needs capabilities; a fixture that declares one absent skips the case.
 */
import { simple, stream, multiTurn, streamUsage } from "./chat.js";
import { toolsSingle, toolsParallel, toolsStreamed, toolResults } from "./tools.js";
import { computerUse } from "./computer-use.js";
import { jsonSchema, vision, reasoning, caching } from "./content.js";
import { finishReasons, upstreamErrors, upstreamRejects, midStream, truncated } from "./faults.js";
import { completions, embeddings, embeddingsSdkDefault } from "./tasks.js";
import type { ConformanceCase } from "./support.js";

export type { ConformanceCase } from "./support.js";

/** In the order the matrix shows them. */
export const CASES: readonly ConformanceCase[] = [
  simple,
  stream,
  multiTurn,
  toolsSingle,
  toolsParallel,
  toolsStreamed,
  toolResults,
  computerUse,
  jsonSchema,
  vision,
  reasoning,
  caching,
  streamUsage,
  finishReasons,
  upstreamErrors,
  upstreamRejects,
  midStream,
  truncated,
  completions,
  embeddings,
  embeddingsSdkDefault,
];
