/** The serving-endpoint calls the endpoint page makes (the Databricks control plane). */
import { api } from "../../../api/client";
import type { Endpoint, EndpointConfig, JsonObject, Tag } from "../../../api/types";

export function endpointPath(name: string): string {
  return `/api/2.0/serving-endpoints/${encodeURIComponent(name)}`;
}

export const endpointKey = (name: string) => ["endpoint", name] as const;

export function getEndpoint(name: string): Promise<Endpoint> {
  return api<Endpoint>("GET", endpointPath(name));
}

export function deleteEndpoint(name: string): Promise<unknown> {
  return api<unknown>("DELETE", endpointPath(name));
}

export async function patchTags(name: string, add: Tag[], remove: string[]): Promise<Tag[]> {
  const r = await api<{ tags?: Tag[] }>("PATCH", `${endpointPath(name)}/tags`, { add_tags: add, delete_tags: remove });
  return r.tags ?? [];
}

export function putConfig(name: string, config: Pick<EndpointConfig, "served_entities" | "traffic_config">): Promise<Endpoint> {
  return api<Endpoint>("PUT", `${endpointPath(name)}/config`, config);
}

export function putAiGateway(name: string, body: JsonObject): Promise<JsonObject> {
  return api<JsonObject>("PUT", `${endpointPath(name)}/ai-gateway`, body);
}
