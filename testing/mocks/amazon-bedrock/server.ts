/**
 * A mock Amazon Bedrock runtime: `POST /model/{modelId}/converse`, `/converse-stream` and
 * `/invoke` (Titan and Cohere embeddings models), each request's SigV4 signature checked
 * against the key pair the mock was started with (403 in AWS's shape otherwise).
 *
 * Chat answers render the next scripted `MockReply`; streams go out as binary event-stream
 * frames, cut into uneven writes (part of a frame in one write, two frames in another) so
 * clients must buffer frames the way they would on a real network.
 */
import type { ServerResponse } from "node:http";
import { sendJson, startMockServer, tick, type MockServer } from "../mock-server.js";
import type { MockError, MockReply } from "../scenario.js";
import { cohereAnswer, titanAnswer, type EmbedAnswer } from "./embeddings.js";
import { converseBody, converseStreamFrames, errorReply } from "./render.js";
import { verifySigV4, type MockAwsCredentials } from "./sigv4.js";
import { checkClientTool, isClientTool } from "../anthropic/client-tools.js";

/** The key pair, region and model ids the tests and fixtures use. */
export const MOCK_AWS: MockAwsCredentials = {
  accessKeyId: "AKIAMOCKBEDROCK7EXAMPLE",
  secretAccessKey: "mockSecretKey/K7MDENG/bPxRfiCYEXAMPLEKEY",
  region: "us-east-1",
};

export type MockBedrockOptions = Partial<MockAwsCredentials>;

const ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/;

const NO_MESSAGES: MockError = {
  status: 400,
  type: "ValidationException",
  message: "1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must not be null",
};

/**
 * Claude's computer-use tools ride in `additionalModelRequestFields` (`tools` beside
 * `anthropic_beta`), which Bedrock hands to the model: each is checked as Anthropic would,
 * and only Claude models take them.
 */
function checkModelFields(modelId: string, body: Record<string, unknown>): MockError | undefined {
  const fields = body["additionalModelRequestFields"];
  if (!fields || typeof fields !== "object" || Array.isArray(fields)) return undefined;
  const f = fields as Record<string, unknown>;
  const tools = f["tools"];
  if (tools === undefined) return undefined;
  const invalid = (message: string): MockError => ({ status: 400, type: "ValidationException", message });
  if (!modelId.includes("anthropic.")) return invalid(`The model ${modelId} does not accept 'tools' in additionalModelRequestFields.`);
  if (!Array.isArray(tools)) return invalid("additionalModelRequestFields.tools: Input should be a valid list");
  const betas = Array.isArray(f["anthropic_beta"]) ? f["anthropic_beta"].filter((b): b is string => typeof b === "string") : [];
  for (const [i, t] of tools.entries()) {
    if (!isClientTool(t)) return invalid(`additionalModelRequestFields.tools.${i}: only Anthropic-defined tools belong here; function tools go in toolConfig`);
    const bad = checkClientTool(t as Record<string, unknown>, `tools.${i}`, betas);
    if (bad) return invalid(bad);
  }
  return undefined;
}

/** Write sizes that split frames and also join them. */
const WRITE_SIZES = [37, 300, 11, 150];

function sendAwsError(res: ServerResponse, e: MockError): void {
  const { headers, body } = errorReply(e);
  sendJson(res, e.status, body, headers);
}

async function streamConverse(res: ServerResponse, r: MockReply): Promise<void> {
  const bytes = Buffer.concat(converseStreamFrames(r));
  res.writeHead(200, { "content-type": "application/vnd.amazon.eventstream", "x-amzn-requestid": "00000000-0000-4000-8000-000000000001" });
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = WRITE_SIZES[i % WRITE_SIZES.length] ?? 64;
    res.write(bytes.subarray(at, at + size));
    at += size;
    await tick();
  }
  res.end();
}

function answerEmbeddings(res: ServerResponse, modelId: string, body: Record<string, unknown>, r: MockReply): void {
  let a: EmbedAnswer;
  if (modelId.includes("titan-embed")) a = titanAnswer(body, r);
  else if (modelId.startsWith("cohere.embed")) a = cohereAnswer(body, r);
  else return sendAwsError(res, { status: 400, type: "ValidationException", message: `The mock answers InvokeModel for embeddings models only, not ${modelId}.` });
  if (a.status !== 200) return sendAwsError(res, { status: 400, type: "ValidationException", message: a.message });
  sendJson(res, 200, a.body, { "x-amzn-bedrock-input-token-count": String(a.tokens), "x-amzn-bedrock-output-token-count": "0" });
}

/**
 * Starts the mock. Every request must be signed by `opts` (default `MOCK_AWS`) for
 * service `bedrock` in its region.
 *
 * @example
 *   const mock = await startMockBedrock();
 *   mock.enqueue({ text: "Hi", usage: { prompt: 5, completion: 1 } });
 */
export async function startMockBedrock(opts: MockBedrockOptions = {}): Promise<MockServer> {
  const creds: MockAwsCredentials = { ...MOCK_AWS, ...opts };
  return startMockServer(async ({ req, res, reply }) => {
    const route = ROUTE.exec(req.path);
    if (req.method !== "POST" || !route) return sendAwsError(res, { status: 404, type: "UnknownOperationException", message: `No operation at ${req.method} ${req.path}.` });
    const denied = await verifySigV4(req, creds);
    if (denied) return sendAwsError(res, denied);
    const modelId = decodeURIComponent(route[1] as string);
    if (!req.json || typeof req.json !== "object" || Array.isArray(req.json)) {
      return sendAwsError(res, { status: 400, type: "SerializationException", message: "The request body is not a JSON object." });
    }
    const body = req.json as Record<string, unknown>;
    const r = reply();
    if (r.error) return sendAwsError(res, r.error);
    if (route[2] === "invoke") return answerEmbeddings(res, modelId, body, r);
    if (!Array.isArray(body["messages"])) return sendAwsError(res, NO_MESSAGES);
    const refused = checkModelFields(modelId, body);
    if (refused) return sendAwsError(res, refused);
    if (route[2] === "converse-stream") return streamConverse(res, r);
    sendJson(res, 200, converseBody(r), { "x-amzn-requestid": "00000000-0000-4000-8000-000000000002" });
  });
}
