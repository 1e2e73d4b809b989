/**
 * The `amazon_bedrock_config` block: region, access keys (SigV4), the model family behind
 * the model id (`bedrock_provider`), and an optional endpoint override.
 */
import type { JsonObject, Task } from "../../gateway/types.js";
import { ConfigReader } from "../openai-compatible/index.js";
import type { ConfigIssue } from "../provider.js";
import { embedsWith } from "./embeddings.js";

/** The model families Bedrock hosts that Tessera knows how to talk to. */
export const BEDROCK_FAMILIES = ["anthropic", "cohere", "ai21labs", "amazon"] as const;
export type BedrockFamily = (typeof BEDROCK_FAMILIES)[number];

export interface BedrockConfig extends JsonObject {
  aws_region: string;
  bedrock_provider: BedrockFamily;
  /** The Bedrock runtime base URL: `aws_endpoint_url`, or the region's public endpoint. */
  aws_endpoint_url: string;
}

export const CREDENTIAL_FIELDS = ["aws_access_key_id", "aws_secret_access_key", "aws_session_token"] as const;

/** us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-5 … */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** The public Bedrock runtime endpoint of a region (China regions live under amazonaws.com.cn). */
export function defaultEndpoint(region: string): string {
  const suffix = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return `https://bedrock-runtime.${region}.${suffix}`;
}

/**
 * Checks the config block (credentials already taken out).
 *
 * @example
 *   parseBedrockConfig({ aws_region: "us-east-1", bedrock_provider: "Anthropic" }, has)
 *   // → { config: { aws_region: "us-east-1", bedrock_provider: "anthropic", aws_endpoint_url: "https://bedrock-runtime.us-east-1.amazonaws.com" } }
 */
export function parseBedrockConfig(raw: JsonObject, has: (field: string) => boolean, task?: Task): { config: BedrockConfig } | { issues: ConfigIssue[] } {
  const r = new ConfigReader(raw);
  // Instance profiles need the EC2 instance metadata service, which a self-hosted gateway
  // cannot count on; saying so beats failing at the first call.
  if (raw["instance_profile_arn"] !== undefined && raw["instance_profile_arn"] !== null) {
    r.issues.push({
      field: "instance_profile_arn",
      message: "is not supported by Tessera (there is no instance metadata service to take credentials from); give aws_access_key_id and aws_secret_access_key",
    });
  }
  const region = r.required("aws_region");
  if (region !== undefined && !REGION.test(region)) r.issues.push({ field: "aws_region", message: "must be an AWS region name such as us-east-1" });
  const family = familyOf(r, raw["bedrock_provider"]);
  if (task === "llm/v1/embeddings" && family !== undefined && !embedsWith(family)) {
    r.issues.push({ field: "bedrock_provider", message: `${family} has no embeddings model Tessera can call; use amazon (Titan) or cohere` });
  }
  r.requireCredential("aws_access_key_id", has);
  r.requireCredential("aws_secret_access_key", has);
  const endpoint = r.url("aws_endpoint_url");
  return r.result({
    aws_region: region ?? "",
    bedrock_provider: family ?? "anthropic",
    aws_endpoint_url: (endpoint ?? defaultEndpoint(region ?? "us-east-1")).replace(/\/+$/, ""),
  });
}

function familyOf(r: ConfigReader, value: unknown): BedrockFamily | undefined {
  if (value === undefined || value === null) {
    r.issues.push({ field: "bedrock_provider", message: `is required: one of ${BEDROCK_FAMILIES.join(", ")}` });
    return undefined;
  }
  const v = typeof value === "string" ? value.trim().toLowerCase() : "";
  if (!(BEDROCK_FAMILIES as readonly string[]).includes(v)) {
    r.issues.push({ field: "bedrock_provider", message: `must be one of ${BEDROCK_FAMILIES.join(", ")}` });
    return undefined;
  }
  return v as BedrockFamily;
}
