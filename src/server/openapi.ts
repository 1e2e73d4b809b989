/**
 * The OpenAPI 3 document of one serving endpoint's query API, as `GET
 * /api/2.0/serving-endpoints/{name}/openapi` (the Databricks SDK's `get_open_api`) returns
 * it: the `invocations` path and the OpenAI-compatible paths of the endpoint's task, their
 * request and answer schemas, the error shapes, and bearer auth.
 *
 * The request schemas are the very zod schemas the gateway validates queries with
 * (`REQUEST_SCHEMAS`), the answer schemas those typed against the canonical types
 * (`RESPONSE_SCHEMAS`), converted by zod's own `z.toJSONSchema` — so the document cannot
 * drift from what the server accepts. The conversion runs once per task, not per request.
 *
 * @example
 *   openApiDocument({ name: "chat", task: "llm/v1/chat", version: 3, origin: "http://127.0.0.1:8080" })
 *   // → { openapi: "3.0.3", paths: { "/serving-endpoints/chat/invocations": …, "/serving-endpoints/chat/completions": … }, … }
 */
import { z } from "zod";
import { RESPONSE_SCHEMAS } from "../gateway/response-schemas.js";
import type { JsonObject, Task } from "../gateway/types.js";
import { REQUEST_SCHEMAS } from "../gateway/validate-request.js";

export const OPENAPI_VERSION = "3.0.3";

/** The OpenAI-compatible path of each task, under `/serving-endpoints` and `/v1`. */
const OPENAI_PATH: Record<Task, string> = {
  "llm/v1/chat": "/chat/completions",
  "llm/v1/completions": "/completions",
  "llm/v1/embeddings": "/embeddings",
};

const STREAMS = "With `\"stream\": true`, Server-Sent Events: one `data: <Chunk JSON>` line per chunk, ending with `data: [DONE]`; an error after the stream began is a last `data:` line holding the error body, with no `[DONE]`.";

const databricksError = z.object({
  error_code: z.string(),
  message: z.string(),
  details: z.array(z.looseObject({ "@type": z.string() })).optional(),
  external_model_message: z.unknown().optional(),
});
const openaiError = z.object({
  error: z.object({ message: z.string(), type: z.string(), param: z.string().nullable(), code: z.string().nullable() }),
});

function schemaOf(schema: z.ZodType, io: "input" | "output"): JsonObject {
  return z.toJSONSchema(schema, { target: "openapi-3.0", io, unrepresentable: "any" }) as JsonObject;
}

/** The task's component schemas, converted once. */
const componentsCache = new Map<Task, JsonObject>();
function components(task: Task): JsonObject {
  let c = componentsCache.get(task);
  if (!c) {
    const answer = RESPONSE_SCHEMAS[task];
    c = {
      Request: schemaOf(REQUEST_SCHEMAS[task], "input"),
      Response: schemaOf(answer.response, "output"),
      ...(answer.chunk ? { Chunk: schemaOf(answer.chunk, "output") } : {}),
      DatabricksError: schemaOf(databricksError, "output"),
      OpenAIError: schemaOf(openaiError, "output"),
    };
    componentsCache.set(task, c);
  }
  return c;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function operation(o: { id: string; summary: string; request: JsonObject; streams: boolean; error: string }): JsonObject {
  const ok: JsonObject = { "application/json": { schema: ref("Response") } };
  if (o.streams) ok["text/event-stream"] = { schema: { type: "string", description: STREAMS } };
  return {
    post: {
      operationId: o.id,
      summary: o.summary,
      requestBody: { required: true, content: { "application/json": { schema: o.request } } },
      responses: {
        "200": { description: "The answer.", content: ok },
        default: { description: "An error, in this route family's shape (see docs/errors.md).", content: { "application/json": { schema: ref(o.error) } } },
      },
    },
  };
}

export interface OpenApiInput {
  name: string;
  task: Task;
  /** The endpoint's config version, as the document's version. */
  version: number | string;
  /** The gateway's own origin, e.g. `https://gateway.example.com`. */
  origin: string;
}

export function openApiDocument(ep: OpenApiInput): JsonObject {
  const streams = ep.task !== "llm/v1/embeddings";
  const openaiPath = OPENAI_PATH[ep.task];
  // The OpenAI-compatible routes take the endpoint's name in `model`.
  const withModel = {
    allOf: [ref("Request"), { type: "object", required: ["model"], properties: { model: { type: "string", enum: [ep.name], description: "The serving endpoint's name." } } }],
  };
  const paths: JsonObject = {
    [`/serving-endpoints/${ep.name}/invocations`]: operation({
      id: "invocations",
      summary: `Query ${ep.name} (${ep.task})`,
      request: ref("Request"),
      streams,
      error: "DatabricksError",
    }),
  };
  for (const prefix of ["/serving-endpoints", "/v1"]) {
    paths[prefix + openaiPath] = operation({
      id: `openai${prefix === "/v1" ? "V1" : ""}${openaiPath.replace(/\/(\w)/g, (_m, c: string) => c.toUpperCase())}`,
      summary: `Query ${ep.name} through the OpenAI-compatible API`,
      request: withModel,
      streams,
      error: "OpenAIError",
    });
  }
  return {
    openapi: OPENAPI_VERSION,
    info: { title: `Serving endpoint ${ep.name}`, version: String(ep.version), description: `The query API of the Tessera serving endpoint '${ep.name}', task ${ep.task}.` },
    servers: [{ url: ep.origin }],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "A Tessera personal access token or OAuth access token." },
      },
      schemas: components(ep.task),
    },
  };
}
