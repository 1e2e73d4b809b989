/**
 * Upstream errors told in the gateway's words, naming the served entity they came from.
 *
 * A provider that rejects the credentials configured for an entity (HTTP 401/403, or a
 * refusal by its token endpoint) is a problem of the endpoint's config, not of the caller's
 * token: it is answered 400 `UPSTREAM_CREDENTIALS_REJECTED` — never 401 `UNAUTHENTICATED`,
 * which the Databricks SDK raises as `Unauthenticated` and the OpenAI SDK as
 * `AuthenticationError`, the same as for a bad Tessera token. A 4xx and not a 502, because
 * MLflow and the OpenAI SDK retry 5xx answers, and another try cannot fix a key.
 * Likewise an upstream 404 (the model name, or a custom provider URL, is wrong) is 400
 * `UPSTREAM_MODEL_NOT_FOUND`, naming the model and the entity, so it does not read as the
 * endpoint itself missing. The provider's own code is dropped from these answers (an
 * OpenAI `invalid_api_key` would again point at the caller's key); its message and body
 * are kept, already scrubbed of credentials.
 *
 * Every provider's error reaches the gateway through `attributeToEntity` in the pipeline's
 * provider call, so the rule holds for every adapter. An error inside a stream that
 * already started keeps the provider's reading.
 */
import { ERROR_KINDS, GatewayError } from "./errors.js";
import type { LiveEntity } from "./live-endpoints.js";

/** The error to answer with when `entity`'s call failed with `err`. */
export function attributeToEntity(err: unknown, entity: Pick<LiveEntity, "name" | "model">): unknown {
  if (!(err instanceof GatewayError)) return err;
  const opts = err.upstream ? { upstream: err.upstream } : {};
  if (err.kind === ERROR_KINDS.UPSTREAM_CREDENTIALS_REJECTED) {
    return new GatewayError(
      err.kind,
      `The provider rejected the credentials configured for served entity '${entity.name}' (model '${entity.model}'): check the key or credentials in its external_model config. ${err.message}`,
      opts,
    );
  }
  if (err.kind === ERROR_KINDS.UPSTREAM_MODEL_NOT_FOUND) {
    return new GatewayError(
      err.kind,
      `The provider found no model '${entity.model}' for served entity '${entity.name}': check external_model.name (and the provider URL) in its config. ${err.message}`,
      opts,
    );
  }
  return err;
}
