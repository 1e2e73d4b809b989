/**
 * The Gemini API on the way in, for every chat endpoint whatever its provider:
 * `POST /serving-endpoints/gemini/v1beta/models/{endpoint}:generateContent`,
 * `…:streamGenerateContent?alt=sse`, `…:countTokens`, and on embeddings endpoints
 * `…:embedContent` / `…:batchEmbedContents` (embed.ts) (what `new GoogleGenAI({ apiKey,
 * httpOptions: { baseUrl: "<host>/serving-endpoints/gemini" } })` calls; `v1` too). The
 * model in the path names the serving endpoint. Authentication also by
 * `x-goog-api-key` carrying a Tessera token (auth.ts). Errors are Google's shape.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { promptTokenEstimate } from "../../../gateway/estimate.js";
import { errors } from "../../../gateway/errors.js";
import { callerOf } from "../../auth.js";
import type { QueryDeps } from "../../routes/query.js";
import { handleChatIngress, ingressScope } from "../handler.js";
import { parseBody, Untranslatable } from "../parse.js";
import { countTokensSchema, generateRequestSchema } from "./api.js";
import { canonicalMessages, toCanonical } from "./decode.js";
import { toGeminiResponse } from "./encode.js";
import { geminiError } from "./errors.js";
import { geminiChunks, geminiFraming } from "./stream.js";
import { batchEmbedContents, embedContent } from "./embed.js";

export const GEMINI_INGRESS = "gemini";

/** `{endpoint}:{method}` of the path's last segment (a `models/` prefix tolerated). */
function targetOf(request: FastifyRequest): { endpoint: string; method: string } {
  const raw = decodeURIComponent((request.params as { "*"?: string })["*"] ?? "");
  const at = raw.lastIndexOf(":");
  if (at <= 0) throw errors.notFound(`No Gemini method at '${raw}': expected {endpoint}:generateContent, :streamGenerateContent or :countTokens.`);
  return { endpoint: raw.slice(0, at), method: raw.slice(at + 1) };
}

async function generate(deps: QueryDeps, request: FastifyRequest, reply: FastifyReply, endpoint: string, stream: boolean): Promise<void> {
  if (stream && (request.query as { alt?: string }).alt !== "sse") throw errors.invalidParameter("alt", "Streams are sent as server-sent events only: add '?alt=sse' (as the Gemini SDKs do).");
  const req = parseBody(generateRequestSchema, request.body);
  const u = new Untranslatable();
  const body = toCanonical(req, endpoint, stream, GEMINI_INGRESS, u);
  // No provider takes Gemini's own format as it is yet (no pass-through): what the translation cannot carry is refused now.
  u.throwIfAny();
  await handleChatIngress(deps, request, reply, {
    endpoint,
    body,
    encode: (res) => toGeminiResponse(res, endpoint),
    events: (chunks) => geminiChunks(chunks, endpoint),
    framing: geminiFraming,
    render: geminiError,
  });
}

async function countTokens(deps: QueryDeps, request: FastifyRequest, endpoint: string): Promise<{ totalTokens: number }> {
  const raw = parseBody(countTokensSchema, request.body);
  const ep = await deps.gateway.queryable(endpoint, callerOf(request));
  if (ep.task !== "llm/v1/chat") throw errors.badRequest(`Endpoint '${ep.name}' serves ${ep.task}; countTokens needs a chat endpoint.`, "model");
  const inner = raw.generateContentRequest ? parseBody(generateRequestSchema, raw.generateContentRequest) : parseBody(generateRequestSchema, { contents: raw.contents });
  const u = new Untranslatable();
  const messages = canonicalMessages(inner, u);
  u.throwIfAny();
  return { totalTokens: promptTokenEstimate({ messages }) };
}

export function geminiRoutes(app: FastifyInstance, deps: QueryDeps): void {
  ingressScope(app, deps.bodyLimit, geminiError, (scope) => {
    for (const version of ["v1beta", "v1"]) {
      scope.post(`/serving-endpoints/gemini/${version}/models/*`, async (request, reply) => {
        const { endpoint, method } = targetOf(request);
        switch (method) {
          case "generateContent":
            return generate(deps, request, reply, endpoint, false);
          case "streamGenerateContent":
            return generate(deps, request, reply, endpoint, true);
          case "countTokens":
            return countTokens(deps, request, endpoint);
          case "embedContent":
            return embedContent(deps, request, reply, endpoint);
          case "batchEmbedContents":
            return batchEmbedContents(deps, request, reply, endpoint);
          default:
            throw errors.notFound(`The Gemini method '${method}' is not served here (generateContent, streamGenerateContent, countTokens, embedContent, batchEmbedContents).`);
        }
      });
    }
  });
}
