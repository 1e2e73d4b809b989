/**
 * The served-entity form's pure logic, run by Node without a browser, against the real
 * provider catalogue the server serves: form state → the API's config (credentials as
 * references, write-only `_plaintext`, or the kept "[REDACTED]"; `when` honoured; names
 * and traffic routes), an endpoint's config → form state and back unchanged, the client
 * checks, and where each API error field lands in the form.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { providerCatalogue } from "../../src/server/routes/providers.js";
import { parseEndpointConfig } from "../../src/config/endpoint-config.js";
import { entityErrors, errorKey, errorMessage } from "../../src/ui/pages/endpoints/form/errors.js";
import {
  destinationLabels,
  effectiveEntityName,
  emptyEntity,
  evenSplit,
  fromEndpointConfig,
  toEndpointConfig,
  visibleFields,
  withProvider,
  type CatalogueProvider,
  type EndpointFormState,
  type EntityState,
} from "../../src/ui/pages/endpoints/form/model.js";
import { validateEndpointName, validateEntity, validateSplit } from "../../src/ui/pages/endpoints/form/validate.js";

const catalogue: CatalogueProvider[] = providerCatalogue();
const provider = (name: string) => {
  const p = catalogue.find((c) => c.name === name);
  assert.ok(p, name);
  return p;
};

function openai(model: string, extra: Partial<EntityState> = {}): EntityState {
  const e = emptyEntity(provider("openai"));
  return { ...e, model, values: { ...e.values, openai_api_base: "http://mock:1/v1" }, secrets: { openai_api_key: { mode: "ref", scope: "llm", key: "openai" } }, ...extra };
}

describe("endpoint form: state → config", () => {
  it("starts required selects at their first option, so the default type's fields show", () => {
    const e = emptyEntity(provider("openai"));
    assert.equal(e.values["openai_api_type"], "openai");
    const paths = visibleFields(provider("openai"), e.values).map((f) => f.path);
    assert.ok(paths.includes("openai_api_key") && paths.includes("openai_organization"));
    assert.ok(!paths.includes("openai_deployment_name") && !paths.includes("microsoft_entra_client_secret"));
    const azure = visibleFields(provider("openai"), { openai_api_type: "azuread" }).map((f) => f.path);
    assert.deepEqual(azure.filter((p) => p === "openai_api_base").length, 1, "a path given twice shows once");
    assert.ok(azure.includes("microsoft_entra_client_secret") && !azure.includes("openai_api_key"));
  });

  it("builds the API config: one entity, a secret reference, the server's default name", () => {
    const state: EndpointFormState = { task: "llm/v1/chat", entities: [openai("gpt-4o-mini")], traffic: [100] };
    const config = toEndpointConfig(state, catalogue);
    assert.deepEqual(config, {
      served_entities: [
        {
          external_model: {
            provider: "openai",
            name: "gpt-4o-mini",
            task: "llm/v1/chat",
            openai_config: { openai_api_type: "openai", openai_api_base: "http://mock:1/v1", openai_api_key: "{{secrets/llm/openai}}" },
          },
        },
      ],
    });
    // And the server's own parser takes it.
    assert.equal(parseEndpointConfig(config).entities[0]?.name, "gpt-4o-mini");
  });

  it("two entities get traffic routes by their (default or given) names", () => {
    const state: EndpointFormState = { task: "llm/v1/chat", entities: [openai("gpt-4.1"), openai("gpt-4o-mini", { name: "small" })], traffic: [80, 20] };
    const config = toEndpointConfig(state, catalogue);
    assert.deepEqual(config["traffic_config"], {
      routes: [
        { served_entity_name: "gpt-4-1", traffic_percentage: 80 },
        { served_entity_name: "small", traffic_percentage: 20 },
      ],
    });
    const served = config["served_entities"] as Array<Record<string, unknown>>;
    assert.equal(served[0]?.["name"], undefined, "the server's default is left to the server");
    assert.equal(served[1]?.["name"], "small");
    assert.deepEqual(parseEndpointConfig(config).routes, [
      { served_entity_name: "gpt-4-1", traffic_percentage: 80 },
      { served_entity_name: "small", traffic_percentage: 20 },
    ]);
  });

  it("predicts the server's default entity name, also for a model id with '/'", () => {
    const e = { ...emptyEntity(provider("custom")), model: "meta-llama/Llama-3.1-8B-Instruct", values: { custom_provider_url: "http://vllm:8000/v1" } };
    assert.equal(effectiveEntityName(e), "meta-llama-Llama-3-1-8B-Instruct");
    const config = toEndpointConfig({ task: "llm/v1/chat", entities: [e], traffic: [100] }, catalogue);
    assert.equal((config["served_entities"] as Array<Record<string, unknown>>)[0]?.["name"], undefined, "the server's default is left to the server");
    assert.deepEqual(
      parseEndpointConfig(config).entities.map((x) => x.name),
      ["meta-llama-Llama-3-1-8B-Instruct"],
    );
  });

  it("sends a plaintext as <path>_plaintext (nested paths too), keeps a stored one as [REDACTED], omits empty ones", () => {
    const custom = withProvider(emptyEntity(), provider("custom"));
    const e: EntityState = {
      ...custom,
      model: "m",
      values: { custom_provider_url: "http://vllm:8000/v1", "api_key_auth.key": "" },
      secrets: { "bearer_token_auth.token": { mode: "plaintext", value: "tok-123" }, "api_key_auth.value": { mode: "plaintext", value: "" } },
    };
    const block = (toEndpointConfig({ task: "llm/v1/chat", entities: [e], traffic: [100] }, catalogue)["served_entities"] as Array<{ external_model: Record<string, unknown> }>)[0]
      ?.external_model["custom_provider_config"];
    assert.deepEqual(block, { custom_provider_url: "http://vllm:8000/v1", bearer_token_auth: { token_plaintext: "tok-123" } });

    const kept = openai("gpt-4o", { secrets: { openai_api_key: { mode: "stored" } } });
    const keptBlock = (toEndpointConfig({ task: "llm/v1/chat", entities: [kept], traffic: [100] }, catalogue)["served_entities"] as Array<{ external_model: Record<string, unknown> }>)[0]
      ?.external_model["openai_config"] as Record<string, unknown>;
    assert.equal(keptBlock["openai_api_key_plaintext"], "[REDACTED]");
    assert.equal(keptBlock["openai_api_key"], undefined);
  });

  it("does not send fields hidden by `when`, even when they were typed before switching", () => {
    const e = openai("gpt-4o", { values: { openai_api_type: "openai", openai_deployment_name: "dep", microsoft_entra_tenant_id: "t" } });
    const block = (toEndpointConfig({ task: "llm/v1/chat", entities: [e], traffic: [100] }, catalogue)["served_entities"] as Array<{ external_model: Record<string, unknown> }>)[0]
      ?.external_model["openai_config"] as Record<string, unknown>;
    assert.equal(block["openai_deployment_name"], undefined);
    assert.equal(block["microsoft_entra_tenant_id"], undefined);
  });

  it("splits evenly into whole percentages adding up to 100", () => {
    assert.deepEqual(evenSplit(1), [100]);
    assert.deepEqual(evenSplit(2), [50, 50]);
    assert.deepEqual(evenSplit(3), [34, 33, 33]);
  });
});

describe("endpoint form: config → state → config", () => {
  // As GET returns it: a reference, a redacted plaintext, states, and a key the form does not know.
  const got = {
    served_entities: [
      {
        name: "big",
        external_model: {
          provider: "openai",
          name: "gpt-4.1",
          task: "llm/v1/chat",
          openai_config: { openai_api_base: "http://mock:1/v1", openai_api_key_plaintext: "[REDACTED]", some_future_option: { x: 1 } },
        },
        state: { deployment: "DEPLOYMENT_READY" },
        creator: "admin",
      },
      {
        name: "vllm",
        external_model: {
          provider: "custom",
          name: "llama",
          task: "llm/v1/chat",
          custom_provider_config: { custom_provider_url: "http://vllm:8000/v1", api_key_auth: { key: "x-api-key", value: "{{secrets/llm/vllm}}" } },
        },
      },
    ],
    traffic_config: { routes: [{ served_entity_name: "big", traffic_percentage: 70 }, { served_entity_name: "vllm", traffic_percentage: 30 }] },
    config_version: 3,
  };

  it("reads entities, credentials (reference or stored), traffic and the task", () => {
    const s = fromEndpointConfig(got, catalogue);
    assert.equal(s.task, "llm/v1/chat");
    assert.deepEqual(s.traffic, [70, 30]);
    assert.deepEqual(s.entities[0]?.secrets, { openai_api_key: { mode: "stored" } });
    assert.deepEqual(s.entities[0]?.stored, ["openai_api_key"]);
    assert.equal(s.entities[0]?.values["openai_api_type"], "openai");
    assert.deepEqual(s.entities[1]?.secrets, { "api_key_auth.value": { mode: "ref", scope: "llm", key: "vllm" } });
    assert.equal(s.entities[1]?.values["api_key_auth.key"], "x-api-key");
  });

  it("writes back what it read: nothing lost, the stored key kept, the unknown option passed through", () => {
    const back = toEndpointConfig(fromEndpointConfig(got, catalogue), catalogue);
    assert.deepEqual(back, {
      served_entities: [
        {
          name: "big",
          external_model: {
            provider: "openai",
            name: "gpt-4.1",
            task: "llm/v1/chat",
            openai_config: { some_future_option: { x: 1 }, openai_api_type: "openai", openai_api_base: "http://mock:1/v1", openai_api_key_plaintext: "[REDACTED]" },
          },
        },
        {
          name: "vllm",
          external_model: {
            provider: "custom",
            name: "llama",
            task: "llm/v1/chat",
            custom_provider_config: { custom_provider_url: "http://vllm:8000/v1", api_key_auth: { key: "x-api-key", value: "{{secrets/llm/vllm}}" } },
          },
        },
      ],
      traffic_config: { routes: [{ served_entity_name: "big", traffic_percentage: 70 }, { served_entity_name: "vllm", traffic_percentage: 30 }] },
    });
  });
});

describe("endpoint form: client checks", () => {
  it("checks the endpoint name's pattern", () => {
    assert.equal(validateEndpointName("my-endpoint_1"), undefined);
    assert.match(validateEndpointName("") ?? "", /name/);
    assert.match(validateEndpointName("has space") ?? "", /letters/);
    assert.match(validateEndpointName("x".repeat(64)) ?? "", /letters/);
  });

  it("requires the provider, the model, and the visible required fields, keyed as API errors are", () => {
    assert.deepEqual(Object.keys(validateEntity(emptyEntity(), 0, undefined, "llm/v1/chat")), ["entities.0.provider"]);
    const e = { ...emptyEntity(provider("openai")), values: { openai_api_type: "azure" } };
    const problems = validateEntity(e, 1, provider("openai"), "llm/v1/chat");
    assert.deepEqual(Object.keys(problems).sort(), [
      "entities.1.config.openai_api_base",
      "entities.1.config.openai_api_key",
      "entities.1.config.openai_api_version",
      "entities.1.config.openai_deployment_name",
      "entities.1.model",
    ]);
    assert.deepEqual(validateEntity(openai("gpt-4o"), 0, provider("openai"), "llm/v1/chat"), {});
    const halfRef = openai("gpt-4o", { secrets: { openai_api_key: { mode: "ref", scope: "llm", key: "" } } });
    assert.match(validateEntity(halfRef, 0, provider("openai"), "llm/v1/chat")["entities.0.config.openai_api_key"] ?? "", /key/);
    assert.match(validateEntity(openai("gpt-4o"), 0, provider("ai21labs"), "llm/v1/embeddings")["entities.0.provider"] ?? "", /does not serve/);
  });

  it("a kept credential needs its destination unchanged: changing the base URL asks for the value again, as the server would", () => {
    const got = {
      served_entities: [
        { name: "big", external_model: { provider: "openai", name: "gpt-4.1", task: "llm/v1/chat", openai_config: { openai_api_base: "http://mock:1/v1", openai_api_key_plaintext: "[REDACTED]" } } },
      ],
    };
    const loaded = fromEndpointConfig(got, catalogue).entities[0] as EntityState;
    assert.deepEqual(validateEntity(loaded, 0, provider("openai"), "llm/v1/chat"), {}, "unchanged: the stored key is kept");
    const moved = { ...loaded, values: { ...loaded.values, openai_api_base: "https://elsewhere.example/v1" } };
    assert.match(validateEntity(moved, 0, provider("openai"), "llm/v1/chat")["entities.0.config.openai_api_key"] ?? "", /API base.*changed.*Enter it again/i);
    const given = { ...moved, secrets: { openai_api_key: { mode: "plaintext" as const, value: "sk-new" } } };
    assert.deepEqual(validateEntity(given, 0, provider("openai"), "llm/v1/chat"), {}, "given again: fine");
    assert.ok(destinationLabels(provider("openai")).length > 0);
  });

  it("wants distinct entity names and shares adding up to 100", () => {
    assert.deepEqual(validateSplit([openai("a"), openai("b")], [80, 20]), {});
    assert.match(validateSplit([openai("a"), openai("b")], [80, 30])["traffic"] ?? "", /110%/);
    assert.match(validateSplit([openai("gpt-4o"), openai("gpt-4o")], [50, 50])["entities.1.name"] ?? "", /another name/);
  });
});

describe("endpoint form: where an API error goes", () => {
  it("maps create's and PUT …/config's field names to the same form keys", () => {
    const cases: Array<[string | undefined, string | undefined]> = [
      ["name", "name"],
      ["config.served_entities[0].external_model.openai_config.openai_api_key", "entities.0.config.openai_api_key"],
      ["config.served_entities[1].external_model.openai_config.openai_api_key_plaintext", "entities.1.config.openai_api_key"],
      ["served_entities[1].external_model.custom_provider_config.bearer_token_auth.token_plaintext", "entities.1.config.bearer_token_auth.token"],
      ["config.served_entities[0].external_model.custom_provider_config.api_key_auth.key", "entities.0.config.api_key_auth.key"],
      ["config.served_entities[0].external_model.openai_config", "entities.0.config"],
      ["config.served_entities[0].external_model.anthropic_config", "entities.0.config"],
      ["config.served_entities[0].external_model.provider", "entities.0.provider"],
      ["config.served_entities[0].external_model.name", "entities.0.model"],
      ["config.served_entities[0].external_model.task", "task"],
      ["config.served_entities[2].name", "entities.2.name"],
      ["config.served_entities[0].external_model", "entities.0"],
      ["served_models[0]", "entities.0"],
      ["config.served_entities", "entities"],
      ["served_entities", "entities"],
      ["config", "entities"],
      ["config.traffic_config.routes", "traffic"],
      ["config.traffic_config.routes[1].traffic_percentage", "traffic"],
      ["ai_gateway.usage_tracking_config", "ai_gateway.usage_tracking_config"],
      [undefined, undefined],
    ];
    for (const [field, key] of cases) assert.equal(errorKey(field), key, String(field));
    assert.equal(errorKey(undefined, "RESOURCE_ALREADY_EXISTS"), "name");
  });

  it("shortens a message that starts with the field it is shown next to", () => {
    const f = "config.served_entities[0].external_model.openai_config.openai_api_base";
    assert.equal(errorMessage(`${f} must be an http(s) URL.`, f), "Must be an http(s) URL.");
    assert.equal(errorMessage("name 'usage' is reserved.", "name"), "'usage' is reserved.");
    const p = "config.served_entities[0].external_model.openai_config.openai_api_key_plaintext";
    assert.equal(errorMessage(`${p} must be given: there is no stored value to keep.`, p), "Must be given: there is no stored value to keep.");
    assert.equal(errorMessage("Endpoint with name 'a' already exists.", undefined), "Endpoint with name 'a' already exists.");
  });

  it("gives each entity its own errors", () => {
    const errors = { name: "n", "entities.0.model": "m0", "entities.1.config.openai_api_key": "k1", "entities.1": "whole" };
    assert.deepEqual(entityErrors(errors, 1), { "config.openai_api_key": "k1", "": "whole" });
  });
});

describe("endpoint form: network settings", () => {
  it("every provider's form ends with the network fields; filled in, they build a network block the server accepts", () => {
    const pem = (n: string) => readFileSync(resolve(import.meta.dirname, "../../testing/tls", n), "utf8");
    for (const p of catalogue) {
      assert.deepEqual(
        p.fields.slice(-4).map((f) => f.path),
        ["network.proxy_url", "network.tls_ca_bundle", "network.tls_client_cert", "network.tls_client_key"],
        p.name,
      );
    }
    const e = openai("gpt-4o-mini");
    const entity: EntityState = {
      ...e,
      values: { ...e.values, "network.proxy_url": "http://proxy.internal:3128", "network.tls_ca_bundle": pem("ca.pem"), "network.tls_client_cert": pem("client.pem") },
      secrets: { ...e.secrets, "network.tls_client_key": { mode: "plaintext", value: pem("client.key") } },
    };
    const config = toEndpointConfig({ task: "llm/v1/chat", entities: [entity], traffic: [100] }, catalogue) as { served_entities: Array<{ external_model: { openai_config: Record<string, unknown> } }> };
    assert.deepEqual(config.served_entities[0]?.external_model.openai_config["network"], {
      proxy_url: "http://proxy.internal:3128",
      tls_ca_bundle: pem("ca.pem"),
      tls_client_cert: pem("client.pem"),
      tls_client_key_plaintext: pem("client.key"),
    });
    const parsed = parseEndpointConfig(config);
    assert.equal(parsed.entities[0]?.network?.proxyUrl, "http://proxy.internal:3128");
  });
});
