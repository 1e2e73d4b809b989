export { Cipher } from "./crypto.js";
export { loadMasterKey, parseMasterKey, MasterKeyError } from "./master-key.js";
export { parseSecretRef, formatSecretRef } from "./references.js";
export type { SecretRef } from "./references.js";
export { isSealed, SecretService, SECRET_READ_SETTING } from "./service.js";
export type { SecretListener, SecretServiceOptions } from "./service.js";
