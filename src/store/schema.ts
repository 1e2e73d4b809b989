/**
 * Table types of the store, shared by every backend (SQLite now; PostgreSQL later runs the
 * same Kysely queries). JSON columns hold text; timestamps are Unix milliseconds.
 * Each feature keeps its own tables in `tables/`.
 */
import type { IdentityTables } from "./tables/identity.js";
import type { UsageTables } from "./tables/usage.js";

export interface MetaTable {
  key: string;
  value: string;
}

export interface EndpointTable {
  id: string;
  name: string;
  creator: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description: string | null;
  route_optimized: number;
  /** JSON: [{key, value}] */
  tags: string;
  /** JSON: AiGatewayConfig or null */
  ai_gateway: string | null;
  /** JSON: the stored EndpointCoreConfig (credentials as references or credential ids) */
  config: string;
  config_version: number;
}

export interface EndpointCredentialTable {
  id: string;
  endpoint_id: string;
  ciphertext: string;
}

export interface SecretScopeTable {
  name: string;
  backend_type: string;
  created_at: number;
}

export interface SecretTable {
  scope: string;
  key: string;
  ciphertext: string;
  last_updated_timestamp: number;
}

export interface TokenTable {
  id: string;
  token_hash: string;
  principal: string;
  comment: string | null;
  creation_time: number;
  expiry_time: number | null;
}

export interface Database extends IdentityTables, UsageTables {
  meta: MetaTable;
  endpoints: EndpointTable;
  endpoint_credentials: EndpointCredentialTable;
  secret_scopes: SecretScopeTable;
  secrets: SecretTable;
  tokens: TokenTable;
}
