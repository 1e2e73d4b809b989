/**
 * The shared served-entity form, used by the Create endpoint wizard and the endpoint
 * page's Edit config: components, the form state ↔ API config translations, checks, and
 * where an API error's field belongs. See /work/scratch/form-ready.md for how to use it.
 */
export { ServedEntityForm, type ServedEntityFormProps } from "./ServedEntityForm";
export { SecretField, type SecretFieldProps } from "./SecretField";
export { TrafficSplit, type TrafficSplitProps } from "./TrafficSplit";
export { CreateSecretInline } from "./CreateSecretInline";
export { useProviders, useSecretScopes, useSecretKeys, useCreateSecret, providersKey } from "./catalogue";
export {
  REDACTED,
  NAME_PATTERN,
  configBlock,
  effectiveEntityName,
  emptyEntity,
  entityToConfig,
  evenSplit,
  formatSecretRef,
  fromEndpointConfig,
  maskPlaintext,
  parseSecretRef,
  serverDefaultName,
  toEndpointConfig,
  visibleFields,
  withProvider,
  type CatalogueField,
  type CatalogueProvider,
  type EndpointFormState,
  type EntityState,
  type SecretValue,
} from "./model";
export { configFieldKey, entityErrors, entityKey, entityOfKey, errorKey, errorMessage } from "./errors";
export { validateEndpointName, validateEntity, validateSplit } from "./validate";
