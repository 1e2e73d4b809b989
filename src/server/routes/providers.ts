/**
 * The provider catalogue, `GET /api/2.0/tessera/providers` (a Tessera extension): each
 * provider's `external_model.provider` value, config key, tasks and the form of its config
 * block, so that a client (the web UI) can offer every provider without knowing any.
 * Any signed-in principal may read it: it says what the gateway can do, nothing stored.
 */
import type { FastifyInstance } from "fastify";
import { NETWORK_FORM_FIELDS, type ProviderCatalogueEntry } from "../../providers/form.js";
import { providerDefinitions } from "../../providers/registry.js";
import { callerOf } from "../auth.js";

/** The catalogue, built once: definitions do not change while the gateway runs. */
export function providerCatalogue(): ProviderCatalogueEntry[] {
  return providerDefinitions().map((d) => ({
    name: d.name,
    label: d.form.label,
    ...(d.form.description ? { description: d.form.description } : {}),
    config_key: d.configKey,
    tasks: [...d.tasks],
    fields: [...d.form.fields, ...NETWORK_FORM_FIELDS],
    destination_fields: [...d.destinationFields],
    example_models: { ...d.form.example_models } as Record<string, string[]>,
  }));
}

export function providerRoutes(app: FastifyInstance): void {
  const body = { providers: providerCatalogue() };
  app.get("/api/2.0/tessera/providers", async (request) => {
    callerOf(request);
    return body;
  });
}
