/**
 * The provider catalogue's shapes (`GET /api/2.0/tessera/providers`), declared once by the
 * server in src/providers/form.ts and imported here as types only (erased from the bundle).
 * This module loads nothing at run time, so pure modules tested under Node (the endpoint
 * form's model) can use it without loading the browser-side API client.
 */
export type { ProviderFormField, ProviderCatalogueEntry as ProviderInfo } from "../../providers/form.js";
