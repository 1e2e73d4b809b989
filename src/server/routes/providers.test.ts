// The provider catalogue route, `GET /api/2.0/tessera/providers`, in a runtime started in
// process: a token is needed, any signed-in principal (not only an admin) may read it, and
// it lists every registered provider with its config key, tasks and form.
// Run: node --import tsx --test src/server/routes/providers.test.ts
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startRuntime, type Runtime } from "../../runtime.js";
import { providerNames } from "../../providers/registry.js";
import { bearer, Client } from "../../../test/helpers/http.js";
import { tempDir } from "../../../test/helpers/gateway-process.js";
import type { ProviderCatalogueEntry as ProviderInfo } from "../../providers/form.js";

const ADMIN = "providers-route-admin-token";
const PATH = "/api/2.0/tessera/providers";

describe("GET /api/2.0/tessera/providers", () => {
  let rt: Runtime;
  let admin: Client;

  before(async () => {
    rt = await startRuntime({ port: 0, dataDir: tempDir(), env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "300" } });
    admin = new Client(rt.url, bearer(ADMIN));
  });
  after(async () => rt?.close());

  it("needs a token, answered in the Databricks error shape", async () => {
    const r = await new Client(rt.url, undefined).call("GET", PATH);
    assert.equal(r.status, 401, r.text);
    assert.equal((r.json as { error_code?: string }).error_code, "UNAUTHENTICATED");
  });

  it("lists every registered provider with its config key, tasks, fields and example models", async () => {
    const r = await admin.call("GET", PATH);
    assert.equal(r.status, 200, r.text);
    const { providers } = r.json as { providers: ProviderInfo[] };
    assert.deepEqual(providers.map((p) => p.name), providerNames());
    const openai = providers.find((p) => p.name === "openai");
    assert.ok(openai);
    assert.equal(openai.config_key, "openai_config");
    assert.equal(openai.label, "OpenAI / Azure OpenAI");
    assert.deepEqual(openai.tasks, ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"]);
    assert.equal(openai.fields.find((f) => f.path === "openai_api_key")?.kind, "secret");
    assert.deepEqual(openai.fields.find((f) => f.path === "microsoft_entra_client_secret")?.when, { path: "openai_api_type", values: ["azuread"] });
    assert.ok(openai.example_models["llm/v1/embeddings"]?.includes("text-embedding-3-small"));
    const custom = providers.find((p) => p.name === "custom");
    assert.ok(custom?.fields.some((f) => f.path === "bearer_token_auth.token" && f.kind === "secret"));
  });

  it("answers any signed-in user, not only an admin", async () => {
    const u = await admin.call("POST", "/api/2.0/preview/scim/v2/Users", { userName: "plain-user" });
    assert.equal(u.status, 201, u.text);
    const t = await admin.call("POST", "/api/2.0/token-management/on-behalf-of/tokens", { user_name: "plain-user" });
    assert.equal(t.status, 200, t.text);
    const user = new Client(rt.url, bearer((t.json as { token_value: string }).token_value));
    const r = await user.call("GET", PATH);
    assert.equal(r.status, 200, r.text);
    assert.ok((r.json as { providers: unknown[] }).providers.length >= 8);
  });
});
