/**
 * The `ai_gateway` block in words: one line per feature, so "is usage tracked? what are
 * the limits?" is answered without reading JSON. Unknown fields are left to the raw view.
 */
import type { JsonObject } from "../../../api/types";

export interface GatewayLine {
  label: string;
  on: boolean;
  /** Short lines under the label; empty when the feature is off. */
  details: string[];
}

function obj(v: unknown): JsonObject | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as JsonObject) : undefined;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function rateLimit(r: JsonObject): string {
  const amounts = [typeof r["calls"] === "number" ? `${r["calls"].toLocaleString()} calls` : "", typeof r["tokens"] === "number" ? `${r["tokens"].toLocaleString()} tokens` : ""]
    .filter(Boolean)
    .join(" and ");
  const key = typeof r["key"] === "string" ? r["key"] : "user";
  const who = typeof r["principal"] === "string" ? `${key.replace("_", " ")} ${r["principal"]}` : key === "endpoint" ? "the whole endpoint" : `each ${key.replace("_", " ")}`;
  return `${amounts || "no amount"} per ${typeof r["renewal_period"] === "string" ? r["renewal_period"] : "minute"}, ${who}`;
}

function guardrailSide(name: string, g: JsonObject | undefined): string[] {
  if (!g) return [];
  const out: string[] = [];
  const pii = obj(g["pii"])?.["behavior"];
  if (typeof pii === "string" && pii !== "NONE") out.push(`PII: ${pii === "MASK" ? "mask" : "block"}`);
  if (g["safety"] === true) out.push("safety check");
  const kw = strings(g["invalid_keywords"]);
  if (kw.length) out.push(`blocked keywords: ${kw.join(", ")}`);
  const topics = strings(g["valid_topics"]);
  if (topics.length) out.push(`allowed topics: ${topics.join(", ")}`);
  return out.length ? [`${name}: ${out.join("; ")}`] : [];
}

export function summarizeGateway(gw: JsonObject | undefined): GatewayLine[] {
  const usage = obj(gw?.["usage_tracking_config"]);
  const table = obj(gw?.["inference_table_config"]);
  const limits = Array.isArray(gw?.["rate_limits"]) ? (gw["rate_limits"] as unknown[]).map(obj).filter((x): x is JsonObject => Boolean(x)) : [];
  const guard = obj(gw?.["guardrails"]);
  const guardLines = [...guardrailSide("Input", obj(guard?.["input"])), ...guardrailSide("Output", obj(guard?.["output"]))];
  if (guardLines.length && typeof guard?.["judge_endpoint"] === "string") guardLines.push(`judge endpoint: ${guard["judge_endpoint"]}`);
  const fallback = obj(gw?.["fallback_config"]);
  const tableOn = table?.["enabled"] === true;
  const tableName = [table?.["catalog_name"], table?.["schema_name"], table?.["table_name_prefix"]].filter((x) => typeof x === "string" && x).join(".");
  return [
    { label: "Usage tracking", on: usage?.["enabled"] === true, details: [] },
    { label: "Inference table", on: tableOn, details: tableOn && tableName ? [`${tableName}_payload`] : [] },
    { label: "Rate limits", on: limits.length > 0, details: limits.map(rateLimit) },
    { label: "Guardrails", on: guardLines.length > 0, details: guardLines },
    { label: "Fallbacks", on: fallback?.["enabled"] === true, details: fallback?.["enabled"] === true ? ["on errors, the other served entities are tried in order"] : [] },
  ];
}
