/**
 * One signed call to the Bedrock runtime: `POST {endpoint}/model/{modelId}/{operation}`
 * with the JSON body signed byte for byte as it is sent.
 */
import type { Dispatcher } from "undici";
import type { JsonObject } from "../../gateway/types.js";
import { postUpstream, type UpstreamResponse } from "../common/index.js";
import type { UpstreamLimits } from "../common/limits.js";
import { bedrockErrors, PROVIDER } from "./errors.js";
import type { BedrockSigner } from "./signer.js";

export type Operation = "converse" | "converse-stream" | "invoke";

/**
 * The model id as a path segment, escaped the way the AWS SDK escapes it (ARNs of inference
 * profiles hold `:` and `/`; `encodeURIComponent` leaves `!'()*`, which AWS escapes too).
 *
 * @example modelPath("anthropic.claude-3-5-sonnet-20240620-v1:0", "converse")
 *   // "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse"
 */
export function modelPath(modelId: string, op: Operation): string {
  const id = encodeURIComponent(modelId).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  return `/model/${id}/${op}`;
}

const ACCEPT: Record<Operation, string> = {
  converse: "application/json",
  "converse-stream": "application/vnd.amazon.eventstream",
  invoke: "application/json",
};

export interface ClientOptions {
  /** The runtime base URL, no trailing slash. */
  endpoint: string;
  signer: BedrockSigner;
  /** Credential values, scrubbed from anything an upstream error echoes. */
  secrets: readonly string[];
  /** The entity's dispatcher (proxy, TLS), else the shared agent. */
  dispatcher?: Dispatcher | undefined;
}

export class BedrockClient {
  constructor(private readonly o: ClientOptions) {}

  /** Signs and sends; resolves with a 2xx response, or throws the upstream error as a GatewayError. */
  async send(modelId: string, op: Operation, body: JsonObject, signal: AbortSignal, limits?: UpstreamLimits): Promise<UpstreamResponse> {
    const url = new URL(this.o.endpoint + modelPath(modelId, op));
    const bytes = Buffer.from(JSON.stringify(body), "utf8");
    const headers = await this.o.signer.sign(url, bytes, { "content-type": "application/json", accept: ACCEPT[op] });
    return postUpstream({ provider: PROVIDER, url: url.toString(), headers, body: bytes, signal, secrets: this.o.secrets, errors: bedrockErrors, limits, dispatcher: this.o.dispatcher });
  }
}
