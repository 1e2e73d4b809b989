/**
 * The secrets page in a real browser: the empty state, a scope created and a secret put
 * from the page without its value ever showing again (not after saving, not after a
 * reload), the value really stored (an endpoint referencing it sends it upstream, and a
 * replaced value takes over), the gateway's refusal to delete a secret an endpoint uses,
 * and deletes confirmed in a dialog.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ADMIN_TOKEN, assertNoSecrets, mockChatEndpoint, shoot, signIn, startUiHarness, type UiHarness } from "./harness.js";

const SCOPE = "team-ui";
const KEY = "openai_key";
const VALUE = "sk-typed-into-the-page-7781";
const VALUE_2 = "sk-replaced-in-the-page-5524";

/** A chat endpoint on the mock whose key is the secret `{{secrets/SCOPE/KEY}}`. */
function endpointUsingSecret(name: string, mockUrl: string): object {
  const body = mockChatEndpoint(name, mockUrl) as { config: { served_entities: Array<{ external_model: { openai_config: Record<string, string> } }> } };
  const cfg = body.config.served_entities[0]?.external_model.openai_config;
  assert.ok(cfg);
  delete cfg["openai_api_key_plaintext"];
  cfg["openai_api_key"] = `{{secrets/${SCOPE}/${KEY}}}`;
  return body;
}

describe("web UI: secrets", () => {
  let h: UiHarness;
  before(async () => {
    h = await startUiHarness();
  });
  after(async () => h?.close());

  const ask = async (endpoint: string) => {
    const r = await h.api.call("POST", `/serving-endpoints/${endpoint}/invocations`, { messages: [{ role: "user", content: "hi" }] });
    assert.equal(r.status, 200, r.text);
    return h.mock.last().headers["authorization"];
  };

  it("creates a scope, puts a secret that is never shown, refuses to delete one in use, and deletes with confirmation", async () => {
    const page = await h.newPage();
    await signIn(page);
    await page.goto("/secrets");
    await page.getByRole("heading", { name: "No secret scopes yet" }).waitFor();
    await page.getByText("{{secrets/<scope>/<key>}}").waitFor();
    await shoot(page, "secrets-empty");

    // A bad name is refused next to the field, with the API's reason.
    await page.getByLabel("New scope").fill("bad name");
    await page.getByRole("button", { name: "Create scope" }).click();
    await page.getByRole("alert").getByText("scope must be 1-128 letters").waitFor();
    await page.getByLabel("New scope").fill(SCOPE);
    await page.getByRole("button", { name: "Create scope" }).click();
    await page.waitForURL(new RegExp(`/secrets\\?scope=${SCOPE}$`));
    await page.getByText(`No secrets in ${SCOPE} yet.`).waitFor();

    // Put a secret: the value is typed into a password field and cleared once saved.
    const valueField = page.getByLabel("Value", { exact: true });
    assert.equal(await valueField.getAttribute("type"), "password");
    await page.getByLabel("Key", { exact: true }).fill(KEY);
    await valueField.fill(VALUE);
    await page.getByRole("button", { name: "Save secret" }).click();
    await page.getByRole("status").getByText(`Saved ${KEY}.`).waitFor();
    const row = page.getByRole("row", { name: new RegExp(KEY) });
    await row.waitFor();
    assert.match((await row.textContent()) ?? "", new RegExp(`\\{\\{secrets/${SCOPE}/${KEY}\\}\\}`));
    assert.match((await row.textContent()) ?? "", new RegExp(String(new Date().getFullYear())), "the last-updated date is shown");
    assert.equal(await valueField.inputValue(), "");
    await assertNoSecrets(page, [VALUE, ADMIN_TOKEN]);
    await page.reload();
    await row.waitFor();
    await assertNoSecrets(page, [VALUE, ADMIN_TOKEN]);

    // The value is really stored: an endpoint referencing it sends it upstream.
    const created = await h.api.call("POST", "/api/2.0/serving-endpoints", endpointUsingSecret("uses-secret", h.mock.url));
    assert.equal(created.status, 200, created.text);
    assert.equal(await ask("uses-secret"), `Bearer ${VALUE}`);

    // Replacing the value: the form says so, and the endpoint switches to the new one.
    await page.getByRole("button", { name: `Replace the value of ${KEY}` }).click();
    assert.equal(await page.getByLabel("Key", { exact: true }).inputValue(), KEY);
    await page.getByText(`${KEY} exists: saving replaces its value.`).waitFor();
    await valueField.fill(VALUE_2);
    await page.getByRole("button", { name: "Replace value", exact: true }).click();
    await page.getByRole("status").getByText(`Replaced the value of ${KEY}.`).waitFor();
    assert.equal(await valueField.inputValue(), "");
    assert.equal(await ask("uses-secret"), `Bearer ${VALUE_2}`);
    await assertNoSecrets(page, [VALUE, VALUE_2, ADMIN_TOKEN]);

    // A second secret, for the screenshot and to delete.
    await page.getByLabel("Key", { exact: true }).fill("spare");
    await valueField.fill("not-for-long");
    await page.getByRole("button", { name: "Save secret" }).click();
    await page.getByRole("row", { name: /spare/ }).waitFor();
    await shoot(page, "secrets");

    // The secret in use cannot be deleted: the dialog shows the gateway's refusal.
    await page.getByRole("button", { name: `Delete ${KEY}` }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Delete secret" }).click();
    await dialog.getByText(`Secret ${SCOPE}/${KEY} is used by endpoint(s) uses-secret; change their config first.`, { exact: true }).waitFor();
    await dialog.getByText("400 INVALID_STATE").waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await row.waitFor();

    // Deleting the other one, confirmed.
    await page.getByRole("button", { name: "Delete spare" }).click();
    await dialog.getByRole("button", { name: "Delete secret" }).click();
    await page.getByRole("row", { name: /spare/ }).waitFor({ state: "detached" });
    const listed = await h.api.call("GET", `/api/2.0/secrets/list?scope=${SCOPE}`);
    assert.deepEqual((listed.json as { secrets: Array<{ key: string }> }).secrets.map((s) => s.key), [KEY]);

    // The scope goes once no endpoint uses it.
    const gone = await h.api.call("DELETE", "/api/2.0/serving-endpoints/uses-secret");
    assert.equal(gone.status, 200, gone.text);
    await page.getByRole("button", { name: "Delete scope" }).click();
    await dialog.getByRole("button", { name: "Delete scope" }).click();
    await page.getByRole("heading", { name: "No secret scopes yet" }).waitFor();
    await page.waitForURL(/\/secrets$/);
    await assertNoSecrets(page, [VALUE, VALUE_2, "not-for-long", ADMIN_TOKEN]);
  });
});
