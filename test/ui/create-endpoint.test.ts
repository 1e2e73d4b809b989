/**
 * The Create endpoint wizard in a real browser: an endpoint served by the mock (openai
 * provider, the key created inline as a secret) with a second served entity and an 80/20
 * split, checked through the API (secret reference, no plaintext) and queried for the
 * mock's answer; the review never shows the key; and the server's validation errors —
 * a reserved name, a provider field — are shown next to their field on the step that
 * holds it.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { assertNoSecrets, inPage, shoot, signIn, startUiHarness, UPSTREAM_KEY, type UiHarness } from "./harness.js";

interface EndpointView {
  name: string;
  task: string;
  ai_gateway?: Record<string, unknown>;
  config: {
    served_entities: Array<{ name: string; external_model: { provider: string; name: string; task: string; openai_config: Record<string, unknown> } }>;
    traffic_config: { routes: Array<{ served_entity_name: string; traffic_percentage: number }> };
  };
}

const heading = (page: Page) => page.locator("#cw-heading");

/** The test CA (testing/tls): a CA bundle changes nothing for the plain-HTTP mock. */
const CA_PEM = readFileSync(resolve(import.meta.dirname, "../../testing/tls/ca.pem"), "utf8");

/** A control by its label's exact text; a required field's label ends in " *". */
const field = (page: Page, label: string) => page.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( \\*)?$`));

async function next(page: Page, expectStep: string): Promise<void> {
  await page.getByRole("button", { name: "Next" }).click();
  await heading(page).getByText(expectStep).waitFor();
}

/** Both themes of the whole page: the viewport is made as tall as the page (a full-page shot would leave the sticky sidebar behind). */
async function shootWhole(page: Page, name: string): Promise<void> {
  const height = Number(await inPage(page, "document.documentElement.scrollHeight"));
  await page.setViewportSize({ width: 1280, height: Math.min(Math.max(800, height), 2400) });
  await shoot(page, name);
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Step 2 (or the second entity on step 3): an openai entity at the mock. */
async function fillOpenAi(page: Page, model: string, base: string): Promise<void> {
  await field(page, "Provider").last().selectOption("openai");
  await field(page, "Model").last().fill(model);
  await field(page, "API base URL").last().fill(base);
}

describe("web UI: create endpoint wizard", () => {
  let h: UiHarness;
  before(async () => {
    h = await startUiHarness();
  });
  after(async () => h?.close());

  it("creates an endpoint with an inline secret, a second entity and an 80/20 split, then queries it", async () => {
    const page = await h.newPage();
    await signIn(page);
    await page.goto("/endpoints/new");

    // 1. Basics
    await heading(page).getByText("Basics").waitFor();
    await field(page, "Endpoint name").fill("wizard-chat");
    await page.getByRole("radio", { name: /^Chat/ }).check();
    await page.getByLabel("Description").fill("Created by the wizard test");
    await shoot(page, "create-endpoint-basics");
    // The client checks the name's pattern before anything is sent.
    await field(page, "Endpoint name").fill("not a name");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByText("Use 1–63 letters").waitFor();
    await field(page, "Endpoint name").fill("wizard-chat");
    await next(page, "Served entity");

    // 2. Served entity: the provider's fields come from the catalogue; the key is created inline.
    await fillOpenAi(page, "gpt-mock", `${h.mock.url}/v1`);
    assert.ok(await page.getByLabel("Organization").isVisible(), "openai type shows its own fields");
    assert.equal(await page.getByLabel("Deployment name").count(), 0, "Azure fields are hidden");
    // The network settings every provider has: proxy, CA bundle, client certificate and key.
    for (const label of ["Network: outbound proxy URL", "Network: CA bundle (PEM)", "Network: client certificate (PEM)"]) {
      assert.ok(await field(page, label).isVisible(), `${label} is shown`);
    }
    assert.ok(await page.getByRole("group", { name: "Network: client key (PEM)", exact: true }).isVisible(), "the client key is a secret field");
    await field(page, "Network: CA bundle (PEM)").fill(CA_PEM);
    const key = page.getByRole("group", { name: "API key", exact: true });
    await key.getByRole("button", { name: "+ Create a secret" }).click();
    const creator = page.getByRole("group", { name: "Create a secret for API key" });
    await creator.getByLabel("Secret scope").selectOption({ label: "New scope…" });
    await creator.getByLabel("New scope name").fill("llm-keys");
    await creator.getByLabel("Secret key").fill("openai");
    await creator.getByLabel("Secret value").fill(UPSTREAM_KEY);
    await shootWhole(page, "create-endpoint-secret");
    await creator.getByRole("button", { name: "Save secret" }).click();
    await creator.waitFor({ state: "detached" });
    assert.equal(await key.getByLabel("Scope", { exact: true }).inputValue(), "llm-keys");
    assert.equal(await key.getByLabel("Key", { exact: true }).inputValue(), "openai");
    await shootWhole(page, "create-endpoint-entity");
    await next(page, "Traffic & gateway");

    // 3. A second entity (the same secret, picked from the lists) and the split.
    await page.getByLabel("Add a second served entity").check();
    await fillOpenAi(page, "gpt-mock-mini", `${h.mock.url}/v1`);
    await page.getByLabel("Served entity name").last().fill("mini");
    const key2 = page.getByRole("group", { name: "API key", exact: true }).last();
    await key2.getByLabel("Scope", { exact: true }).selectOption("llm-keys");
    await key2.getByLabel("Key", { exact: true }).selectOption("openai");
    await page.getByRole("button", { name: "80 / 20" }).click();
    assert.equal(await page.getByLabel("Traffic to gpt-mock (%)").inputValue(), "80");
    assert.equal(await page.getByLabel("Traffic to mini (%)").inputValue(), "20");
    await page.getByLabel("Traffic to mini (%)").fill("30");
    assert.equal(await page.getByLabel("Traffic to gpt-mock (%)").inputValue(), "70", "two shares always add up to 100");
    await page.getByRole("button", { name: "80 / 20" }).click();
    await page.getByText("Total 100%").waitFor();
    await page.getByLabel("Usage tracking").check();
    await shootWhole(page, "create-endpoint-traffic");
    await next(page, "Review");

    // 4. Review: the JSON, curl and Python, with the reference and never the key.
    const code = page.locator(".cw-code");
    const json = JSON.parse(await code.innerText()) as { name: string; config: { served_entities: unknown[] } };
    assert.equal(json.name, "wizard-chat");
    assert.equal(json.config.served_entities.length, 2);
    assert.match(await code.innerText(), /\{\{secrets\/llm-keys\/openai\}\}/);
    await assertNoSecrets(page);
    await shootWhole(page, "create-endpoint-review");
    await page.getByRole("tab", { name: "curl" }).click();
    assert.match(await code.innerText(), /^curl -X POST '.*\/api\/2\.0\/serving-endpoints'/);
    assert.match(await code.innerText(), /\$DATABRICKS_TOKEN/);
    await page.getByRole("tab", { name: "Python (MLflow)" }).click();
    assert.match(await code.innerText(), /get_deploy_client\("databricks"\)/);
    assert.match(await code.innerText(), /create_endpoint\(/);
    await assertNoSecrets(page);
    await page.getByRole("button", { name: "Create endpoint" }).click();
    await page.waitForURL(/\/endpoints\/wizard-chat$/);

    // The endpoint, as the API sees it.
    const got = await h.api.call("GET", "/api/2.0/serving-endpoints/wizard-chat");
    assert.equal(got.status, 200, got.text);
    assert.ok(!got.text.includes(UPSTREAM_KEY) && !got.text.includes("_plaintext"), "a secret reference, no plaintext");
    const ep = got.json as EndpointView;
    assert.equal(ep.task, "llm/v1/chat");
    assert.deepEqual(
      ep.config.served_entities.map((e) => [e.name, e.external_model.provider, e.external_model.name, e.external_model.openai_config["openai_api_key"]]),
      [
        ["gpt-mock", "openai", "gpt-mock", "{{secrets/llm-keys/openai}}"],
        ["mini", "openai", "gpt-mock-mini", "{{secrets/llm-keys/openai}}"],
      ],
    );
    assert.equal(ep.config.served_entities[0]?.external_model.openai_config["openai_api_base"], `${h.mock.url}/v1`);
    assert.deepEqual(ep.config.served_entities[0]?.external_model.openai_config["network"], { tls_ca_bundle: CA_PEM }, "the network field is sent as typed");
    assert.deepEqual(ep.config.traffic_config.routes, [
      { served_entity_name: "gpt-mock", traffic_percentage: 80 },
      { served_entity_name: "mini", traffic_percentage: 20 },
    ]);
    assert.deepEqual(ep.ai_gateway?.["usage_tracking_config"], { enabled: true });

    // And it answers: the secret reference reaches the mock as the key.
    h.mock.enqueue({ text: "Created by the wizard, answered by the mock." });
    const r = await h.api.call("POST", "/serving-endpoints/wizard-chat/invocations", { messages: [{ role: "user", content: "hi" }] });
    assert.equal(r.status, 200, r.text);
    assert.equal((r.json as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content, "Created by the wizard, answered by the mock.");
    assert.equal(h.mock.requests.at(-1)?.headers["authorization"], `Bearer ${UPSTREAM_KEY}`);
  });

  it("shows the server's validation errors next to their field, on the step that holds it", async () => {
    const page = await h.newPage();
    await signIn(page);
    await page.goto("/endpoints/new");
    // "usage" passes the client's name check, but the server reserves it.
    await field(page, "Endpoint name").fill("usage");
    // Keyboard: Enter goes on to the next step, whose heading then has the focus.
    await field(page, "Endpoint name").press("Enter");
    await heading(page).getByText("Served entity").waitFor();
    assert.equal(await inPage(page, "document.activeElement && document.activeElement.id"), "cw-heading");
    await fillOpenAi(page, "gpt-mock", `${h.mock.url}/v1`);
    const key = page.getByRole("group", { name: "API key", exact: true });
    await key.getByLabel("Scope", { exact: true }).selectOption("llm-keys");
    await key.getByLabel("Key", { exact: true }).selectOption("openai");
    await next(page, "Traffic & gateway");
    await next(page, "Review");
    await page.getByRole("button", { name: "Create endpoint" }).click();

    await heading(page).getByText("Basics").waitFor();
    const name = field(page, "Endpoint name");
    assert.equal(await name.getAttribute("aria-invalid"), "true");
    const described = String(await name.getAttribute("aria-describedby"));
    assert.match(String(await inPage(page, `document.getElementById(${JSON.stringify(described.split(" ").at(-1))}).textContent`)), /^'usage' is reserved/);

    // A provider field the client does not judge (the URL's scheme), refused by the server.
    await name.fill("wizard-bad-url");
    await next(page, "Served entity");
    await field(page, "API base URL").fill("ftp://mock.example/v1");
    await next(page, "Traffic & gateway");
    await next(page, "Review");
    await page.getByRole("button", { name: "Create endpoint" }).click();
    await heading(page).getByText("Served entity").waitFor();
    const base = field(page, "API base URL");
    assert.equal(await base.getAttribute("aria-invalid"), "true");
    await page.locator(".field-invalid").getByText("Must be an http(s) URL.").waitFor();
    await shootWhole(page, "create-endpoint-error");
    await assertNoSecrets(page);

    // Fixed, it goes through.
    await base.fill(`${h.mock.url}/v1`);
    await next(page, "Traffic & gateway");
    await next(page, "Review");
    await page.getByRole("button", { name: "Create endpoint" }).click();
    await page.waitForURL(/\/endpoints\/wizard-bad-url$/);
    const list = (await h.api.call("GET", "/api/2.0/serving-endpoints")).json as { endpoints: Array<{ name: string }> };
    assert.deepEqual(list.endpoints.map((e) => e.name).sort(), ["wizard-bad-url", "wizard-chat"]);
  });
});
