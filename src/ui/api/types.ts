/** The API shapes the pages read (Databricks serving API; see ../../shared/reference). */
export type JsonObject = Record<string, unknown>;

export interface Tag {
  key: string;
  value?: string;
}

export interface ExternalModel {
  provider: string;
  name: string;
  task: string;
  [configKey: string]: unknown;
}

export interface ServedEntity {
  name: string;
  external_model: ExternalModel;
  state?: { deployment: string; deployment_state_message?: string };
  creator?: string;
  creation_timestamp?: number;
}

export interface Route {
  served_entity_name: string;
  traffic_percentage: number;
}

export interface EndpointConfig {
  served_entities: ServedEntity[];
  traffic_config?: { routes: Route[] };
  config_version?: number;
}

export interface Endpoint {
  name: string;
  id: string;
  creator?: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  task?: string;
  endpoint_type?: string;
  tags?: Tag[];
  state: { ready: "READY" | "NOT_READY"; config_update: string };
  config: EndpointConfig;
  permission_level?: string;
  description?: string;
  ai_gateway?: JsonObject;
}

export interface SecretScope {
  name: string;
  backend_type?: string;
}

export interface SecretMeta {
  key: string;
  last_updated_timestamp?: number;
}

/** The signed-in principal (`GET /api/2.0/preview/scim/v2/Me`). */
export interface Me {
  id: string;
  userName?: string;
  displayName?: string;
  applicationId?: string;
  groups?: Array<{ display?: string; value: string }>;
}
