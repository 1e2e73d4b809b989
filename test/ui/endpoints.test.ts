/**
 * The serving endpoint pages in a real browser: the empty state of a fresh gateway, the
 * list (search kept in the URL, sortable columns), the endpoint page (config, state,
 * tags round-tripping through the API, no secret shown), the AI gateway editor, delete
 * with confirmation, a friendly page for an endpoint that does not exist, and editing the
 * config: a change saved (the stored credential kept), a server-side error on its field.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { assertNoSecrets, inPage, mockChatEndpoint, shoot, signIn, startUiHarness, UPSTREAM_KEY, type UiHarness } from "./harness.js";

interface CreateBody {
  name: string;
  config: { served_entities: Array<{ name?: string; external_model: Record<string, unknown> }>; traffic_config?: unknown };
}

/** Two entities of the mock, 80/20. */
function splitEndpoint(name: string, mockUrl: string): object {
  const a = (mockChatEndpoint(name, mockUrl, "gpt-4o-mini") as CreateBody).config.served_entities[0];
  const b = (mockChatEndpoint(name, mockUrl, "gpt-4o") as CreateBody).config.served_entities[0];
  assert.ok(a && b);
  return {
    name,
    config: {
      served_entities: [
        { ...a, name: "primary" },
        { ...b, name: "challenger" },
      ],
      traffic_config: {
        routes: [
          { served_entity_name: "primary", traffic_percentage: 80 },
          { served_entity_name: "challenger", traffic_percentage: 20 },
        ],
      },
    },
    tags: [{ key: "team", value: "search" }],
    ai_gateway: {
      usage_tracking_config: { enabled: true },
      rate_limits: [{ calls: 100, key: "user", renewal_period: "minute" }],
      guardrails: { input: { pii: { behavior: "MASK" } } },
      fallback_config: { enabled: true },
    },
  };
}

/** A full-page screenshot with the window as tall as the page, so the sticky sidebar spans it. */
async function shootTall(page: Page, name: string): Promise<void> {
  const height = Number(await inPage(page, "document.documentElement.scrollHeight"));
  await page.setViewportSize({ width: 1280, height: Math.max(800, height) });
  await shoot(page, name);
  await page.setViewportSize({ width: 1280, height: 800 });
}

const ROW_NAMES = `[...document.querySelectorAll("tbody tr td:first-child")].map((td) => td.innerText.trim())`;

async function rowNames(page: Page): Promise<string[]> {
  return (await inPage(page, ROW_NAMES)) as string[];
}

/** Waits (React renders after the event) until the table lists exactly `names`, in order. */
async function expectRows(page: Page, names: string[]): Promise<void> {
  try {
    await page.waitForFunction(`JSON.stringify(${ROW_NAMES}) === ${JSON.stringify(JSON.stringify(names))}`, undefined, { timeout: 5000 });
  } catch {
    assert.deepEqual(await rowNames(page), names);
  }
}

async function tagsOf(h: UiHarness, name: string): Promise<Array<{ key: string; value?: string }>> {
  const r = await h.api.call("GET", `/api/2.0/serving-endpoints/${name}`);
  assert.equal(r.status, 200, r.text);
  return (r.json as { tags?: Array<{ key: string; value?: string }> }).tags ?? [];
}

describe("web UI: serving endpoints", () => {
  let h: UiHarness;
  let page: Page;
  before(async () => {
    h = await startUiHarness();
    page = await h.newPage();
    await signIn(page);
  });
  after(async () => h?.close());

  it("shows how to create the first endpoint on a fresh gateway", async () => {
    await page.getByRole("heading", { name: "No serving endpoints yet" }).waitFor();
    await page.getByText("tessera endpoints create -f endpoint.json").waitFor();
    const create = page.getByRole("link", { name: "Create your first endpoint" });
    assert.equal(await create.getAttribute("href"), "/endpoints/new");
    await shoot(page, "endpoints-empty");
  });

  it("lists endpoints with their models and split; search and sort work and stay in the URL", async () => {
    for (const body of [mockChatEndpoint("support-chat", h.mock.url), splitEndpoint("ab-test", h.mock.url)]) {
      const r = await h.api.call("POST", "/api/2.0/serving-endpoints", body);
      assert.equal(r.status, 200, r.text);
    }
    await page.goto("/endpoints");
    await page.getByRole("link", { name: "ab-test" }).waitFor();
    // Newest update first by default.
    await expectRows(page, ["ab-test", "support-chat"]);
    const row = page.getByRole("row", { name: /ab-test/ });
    await row.getByText("openai · gpt-4o-mini").waitFor();
    await row.getByText("openai · gpt-4o", { exact: true }).waitFor();
    await row.getByText("80% primary / 20% challenger").waitFor();
    await row.getByText("Ready").waitFor();
    await page.getByRole("row", { name: /support-chat/ }).getByText("100% gpt-mock").waitFor();
    assert.equal(await page.getByRole("row", { name: /support-chat/ }).locator("time").getAttribute("title").then((t) => Boolean(t)), true, "full date on hover");

    // Sort by name with the keyboard: ascending, then descending.
    const nameHeader = page.getByRole("columnheader", { name: "Name" });
    assert.equal(await nameHeader.getAttribute("aria-sort"), "none");
    await page.getByRole("button", { name: "Name", exact: true }).focus();
    await page.keyboard.press("Enter");
    await nameHeader.and(page.locator('[aria-sort="ascending"]')).waitFor();
    await expectRows(page, ["ab-test", "support-chat"]);
    await page.keyboard.press("Enter");
    await nameHeader.and(page.locator('[aria-sort="descending"]')).waitFor();
    await expectRows(page, ["support-chat", "ab-test"]);
    await page.waitForURL(/sort=name(%3A|:)desc/);

    // Search by model name, instantly, kept in the URL (a reload keeps it).
    await page.getByLabel("Search endpoints").fill("4o-mini");
    await expectRows(page, ["ab-test"]);
    await page.waitForURL(/q=4o-mini/);
    await page.reload();
    await page.getByRole("link", { name: "ab-test" }).waitFor();
    assert.equal(await page.getByLabel("Search endpoints").inputValue(), "4o-mini");
    await expectRows(page, ["ab-test"]);
    await page.getByLabel("Search endpoints").fill("no-such-model");
    await page.getByRole("heading", { name: /No endpoint matches/ }).waitFor();
    await page.getByRole("button", { name: "Clear search" }).click();
    await expectRows(page, ["support-chat", "ab-test"]);
    await shoot(page, "endpoints-list");
    await assertNoSecrets(page);
  });

  it("shows an endpoint's config, state and AI gateway, and never a credential", async () => {
    await page.getByRole("link", { name: "ab-test" }).click();
    await page.waitForURL(/\/endpoints\/ab-test$/);
    await page.getByRole("heading", { level: 1, name: /ab-test/ }).waitFor();
    const entities = page.getByRole("region", { name: "Served entities" });
    await entities.getByRole("row", { name: /primary/ }).getByText("80%").waitFor();
    await entities.getByRole("row", { name: /challenger/ }).getByText("20%").waitFor();
    assert.equal(await entities.getByText("stored plaintext (hidden)").count(), 2);
    await page.getByRole("img", { name: "Traffic split: 80% primary, 20% challenger" }).waitFor();
    const details = page.getByRole("region", { name: "Details" });
    assert.equal((await details.getByTestId("config-version").innerText()).trim(), "1");
    await details.getByText("CAN_MANAGE").waitFor();
    const gateway = page.getByRole("region", { name: "AI gateway" });
    await gateway.getByText("100 calls per minute, each user").waitFor();
    await gateway.getByText("Input: PII: mask").waitFor();
    await page.getByRole("heading", { name: "Query endpoint" }).waitFor();
    const playground = page.getByRole("link", { name: "Use in Playground" });
    assert.equal(await playground.getAttribute("href"), "/playground?endpoint=ab-test");
    await assertNoSecrets(page);
  });

  it("adds and removes tags through the API", async () => {
    const tags = page.getByRole("region", { name: "Tags" });
    await tags.getByText("search").waitFor();
    await tags.getByLabel("Tag key").fill("cost-centre");
    await tags.getByLabel("Tag value").fill("r-and-d");
    await tags.getByRole("button", { name: "Add tag" }).click();
    await tags.getByText("r-and-d").waitFor();
    assert.deepEqual(
      (await tagsOf(h, "ab-test")).sort((a, b) => a.key.localeCompare(b.key)),
      [
        { key: "cost-centre", value: "r-and-d" },
        { key: "team", value: "search" },
      ],
    );
    await tags.getByRole("button", { name: "Remove tag team" }).click();
    await tags.getByRole("button", { name: "Remove tag team" }).waitFor({ state: "detached" });
    assert.deepEqual(await tagsOf(h, "ab-test"), [{ key: "cost-centre", value: "r-and-d" }]);
    await shootTall(page, "endpoint-detail");
  });

  it("edits the AI gateway settings as JSON; the gateway's refusal is shown in full", async () => {
    const gateway = page.getByRole("region", { name: "AI gateway" });
    await gateway.getByRole("button", { name: "Edit AI gateway" }).click();
    const editor = gateway.getByRole("textbox", { name: "AI gateway settings (JSON)" });
    await editor.fill(`{"usage_tracking_config": {"enabled": true}, "rate_limits": [{"calls": 5, "key": "everyone", "renewal_period": "minute"}]}`);
    await gateway.getByRole("button", { name: "Save AI gateway" }).click();
    await gateway.getByRole("alert").getByText(/rate_limits\[0\]\.key/).first().waitFor();
    await editor.fill(`{"usage_tracking_config": {"enabled": true}, "rate_limits": [{"calls": 5, "key": "endpoint", "renewal_period": "minute"}]}`);
    await gateway.getByRole("button", { name: "Save AI gateway" }).click();
    await gateway.getByText("5 calls per minute, the whole endpoint").waitFor();
    const r = await h.api.call("GET", "/api/2.0/serving-endpoints/ab-test");
    assert.deepEqual((r.json as { ai_gateway?: unknown }).ai_gateway, {
      usage_tracking_config: { enabled: true },
      rate_limits: [{ calls: 5, key: "endpoint", renewal_period: "minute" }],
    });
  });

  it("deletes an endpoint only once its name is typed", async () => {
    await page.goto("/endpoints/support-chat");
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Delete support-chat?" });
    await dialog.waitFor();
    await dialog.getByLabel("Type support-chat to confirm").fill("support");
    await dialog.getByRole("button", { name: "Delete endpoint" }).click();
    await dialog.getByText("The name does not match.").waitFor();
    assert.equal((await h.api.call("GET", "/api/2.0/serving-endpoints/support-chat")).status, 200);
    await dialog.getByLabel("Type support-chat to confirm").fill("support-chat");
    await dialog.getByRole("button", { name: "Delete endpoint" }).click();
    await page.waitForURL(/\/endpoints$/);
    await page.getByRole("status").getByText("support-chat").waitFor();
    assert.equal((await h.api.call("GET", "/api/2.0/serving-endpoints/support-chat")).status, 404);
    await expectRows(page, ["ab-test"]);
  });

  it("says so when an endpoint does not exist", async () => {
    await page.goto("/endpoints/no-such-endpoint");
    await page.getByRole("heading", { name: "No such endpoint" }).waitFor();
    await page.getByRole("link", { name: "Back to the endpoints" }).click();
    await page.waitForURL(/\/endpoints$/);
  });

  it("edits the config: a new model is saved and the stored credential is kept", async () => {
    await page.goto("/endpoints/ab-test");
    await page.getByRole("button", { name: "Edit configuration" }).click();
    await page.waitForURL(/\/endpoints\/ab-test\?edit=1$/);
    const first = page.getByRole("group", { name: /^Served entity 1/ });
    await first.getByLabel("Model").waitFor();
    assert.equal(await first.getByLabel("Model").inputValue(), "gpt-4o-mini");
    assert.equal(await first.getByRole("radio", { name: "Keep stored value (hidden)" }).isChecked(), true);
    assert.equal(await page.getByRole("spinbutton", { name: "Traffic to primary (%)" }).inputValue(), "80");
    await assertNoSecrets(page);
    await first.getByLabel("Model").fill("gpt-4.1-mini");
    await page.getByRole("button", { name: "Save configuration" }).click();
    await page.getByRole("status").getByText("config version 2").waitFor();
    assert.doesNotMatch(page.url(), /edit=1/);
    await page.getByRole("region", { name: "Served entities" }).getByText("gpt-4.1-mini").waitFor();

    const r = await h.api.call("GET", "/api/2.0/serving-endpoints/ab-test");
    const ep = r.json as { config: { config_version: number; served_entities: Array<{ name: string; external_model: { name: string } }> } };
    assert.equal(ep.config.config_version, 2);
    assert.deepEqual(
      ep.config.served_entities.map((e) => [e.name, e.external_model.name]),
      [
        ["primary", "gpt-4.1-mini"],
        ["challenger", "gpt-4o"],
      ],
    );
    // The stored key still reaches the upstream: query until the edited entity answers.
    h.mock.reset();
    for (let i = 0; i < 30 && !h.mock.requests.some((q) => (q.json as { model?: string } | undefined)?.model === "gpt-4.1-mini"); i++) {
      const q = await h.api.call("POST", "/serving-endpoints/ab-test/invocations", { messages: [{ role: "user", content: "hi" }] });
      assert.equal(q.status, 200, q.text);
    }
    const hit = h.mock.requests.find((q) => (q.json as { model?: string } | undefined)?.model === "gpt-4.1-mini");
    assert.ok(hit, "the edited entity was called");
    assert.equal(hit.headers["authorization"], `Bearer ${UPSTREAM_KEY}`);
  });

  it("shows the gateway's validation error next to the field it names", async () => {
    await page.getByRole("button", { name: "Edit configuration" }).click();
    const first = page.getByRole("group", { name: /^Served entity 1/ });
    const base = first.getByLabel("API base URL");
    await base.fill("not a url");
    // A new destination needs the key given again (the stored one only goes where it went).
    const key = first.getByRole("group", { name: /API key/ });
    await key.getByLabel("Plaintext (write-only)").check();
    await key.getByLabel("Value", { exact: true }).fill("sk-typed-again-for-the-new-url");
    await page.getByRole("button", { name: "Save configuration" }).click();
    await base.and(page.locator('[aria-invalid="true"]')).waitFor();
    const describedBy = (await base.getAttribute("aria-describedby")) ?? "";
    const message = await inPage(page, `${JSON.stringify(describedBy)}.split(" ").map((id) => document.getElementById(id)?.innerText ?? "").join(" ")`);
    assert.match(String(message), /http\(s\) URL/);
    assert.equal(await inPage(page, "document.activeElement?.value"), "not a url", "the field in error has the focus");
    await assertNoSecrets(page);
    await inPage(page, `document.activeElement.scrollIntoView({ block: "center" })`);
    await shoot(page, "endpoint-edit-error");
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("region", { name: "Served entities" }).waitFor();
    const r = await h.api.call("GET", "/api/2.0/serving-endpoints/ab-test");
    assert.equal((r.json as { config: { config_version: number } }).config.config_version, 2, "nothing was saved");
  });
});
