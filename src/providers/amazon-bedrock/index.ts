/**
 * `amazon-bedrock`: models hosted on Amazon Bedrock, through the Converse API for chat (one
 * request shape for every model family) and InvokeModel for embeddings (Titan, Cohere).
 * Requests are signed with SigV4 from an access key pair (plus a session token for
 * temporary credentials). `bedrock_provider` says which family the model id belongs to,
 * which decides what may be sent: prompt caching and thinking are Claude's, embeddings
 * bodies are Titan's or Cohere's.
 */
import type { ChatRequest } from "../../gateway/types.js";
import { ChunkFactory, completionsViaChat, newId, readJson } from "../common/index.js";
import type { CallContext, ModelProvider, ProviderDefinition } from "../provider.js";
import { BedrockClient } from "./client.js";
import { CREDENTIAL_FIELDS, parseBedrockConfig, type BedrockConfig } from "./config.js";
import { toConverse } from "./convert-request.js";
import { fromConverse } from "./convert-response.js";
import { converseChunks } from "./convert-stream.js";
import { embed } from "./embeddings.js";
import { PROVIDER } from "./errors.js";
import { eventMessages } from "./event-stream.js";
import { BedrockSigner } from "./signer.js";
import { amazonBedrockForm } from "./form.js";

export type { BedrockConfig } from "./config.js";

export const amazonBedrockProvider: ProviderDefinition<BedrockConfig> = {
  name: PROVIDER,
  configKey: "amazon_bedrock_config",
  imageLimits: true,
  tasks: ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"],
  credentialFields: CREDENTIAL_FIELDS,
  destinationFields: ["aws_region", "aws_endpoint_url"],
  form: amazonBedrockForm,
  parseConfig: parseBedrockConfig,
  create({ model, task, config, credentials, dispatcher }): ModelProvider {
    const family = config.bedrock_provider;
    const accessKeyId = credentials.get("aws_access_key_id") ?? "";
    const secretAccessKey = credentials.get("aws_secret_access_key") ?? "";
    const sessionToken = credentials.get("aws_session_token");
    const signer = new BedrockSigner({ accessKeyId, secretAccessKey, sessionToken }, config.aws_region);
    // The access key id is not secret, but it names the account's key: scrubbed all the same.
    const secrets = [accessKeyId, secretAccessKey, ...(sessionToken ? [sessionToken] : [])];
    const client = new BedrockClient({ endpoint: config.aws_endpoint_url, signer, secrets, dispatcher });

    const chat = {
      async chat(req: ChatRequest, ctx: CallContext) {
        const call = toConverse(req, family);
        const res = await client.send(model, "converse", call.body, ctx.signal, ctx.upstream);
        return fromConverse(await readJson(res, PROVIDER), model, call.jsonTool);
      },
      async chatStream(req: ChatRequest, ctx: CallContext) {
        const call = toConverse(req, family);
        const res = await client.send(model, "converse-stream", call.body, ctx.signal, ctx.upstream);
        return converseChunks(eventMessages(res, PROVIDER, ctx.signal), new ChunkFactory(newId("chatcmpl-"), model), call.jsonTool);
      },
    };
    switch (task) {
      case "llm/v1/chat":
        return chat;
      case "llm/v1/completions":
        return completionsViaChat(chat);
      case "llm/v1/embeddings":
        return { embed: (req, ctx) => embed(client, model, family, req, ctx) };
    }
  },
};
