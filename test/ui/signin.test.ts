/**
 * Sign-in and sign-out in a real browser: a wrong token is refused with a message, the
 * right one opens the app (kept in session storage, sent as Bearer), sign-out clears it,
 * and a token revoked while signed in sends the user back to sign-in saying why.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ADMIN_TOKEN, assertNoSecrets, inPage, shoot, signIn, startUiHarness, type UiHarness } from "./harness.js";

describe("web UI: sign-in", () => {
  let h: UiHarness;
  before(async () => {
    h = await startUiHarness();
  });
  after(async () => h?.close());

  it("serves the app at / with security headers, and a page path answers index.html", async () => {
    for (const path of ["/", "/endpoints/some-endpoint", "/playground"]) {
      const res = await fetch(h.url + path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get("content-type") ?? "", /text\/html/);
      assert.match(res.headers.get("content-security-policy") ?? "", /default-src 'self'/);
      assert.match(await res.text(), /<div id="root">/);
    }
    // API paths still need a token and answer JSON errors.
    const api = await fetch(h.url + "/api/2.0/serving-endpoints");
    assert.equal(api.status, 401);
  });

  it("refuses a wrong token, signs in with the right one, and signs out", async () => {
    const page = await h.newPage();
    await page.goto("/");
    await page.waitForURL(/\/signin$/);
    await shoot(page, "signin");
    await page.getByLabel("Personal access token").fill("not-a-real-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("This token is not valid").waitFor();
    assert.equal(await inPage(page, `sessionStorage.getItem("tessera.session")`), null);

    await signIn(page);
    const stored = await inPage(page, `sessionStorage.getItem("tessera.session")`);
    assert.ok(String(stored).includes(ADMIN_TOKEN), "the token is kept in session storage");
    await page.getByText("admin").first().waitFor();
    await assertNoSecrets(page);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/signin$/);
    assert.equal(await inPage(page, `sessionStorage.getItem("tessera.session")`), null);
    // Without a session every page sends the user to sign-in.
    await page.goto("/usage");
    await page.waitForURL(/\/signin$/);
  });

  it("returns to sign-in with a message when the token stops working", async () => {
    const created = await h.api.call("POST", "/api/2.0/token/create", { comment: "ui expiry test", lifetime_seconds: 3600 });
    assert.equal(created.status, 200, created.text);
    const { token_value, token_info } = created.json as { token_value: string; token_info: { token_id: string } };
    const page = await h.newPage();
    await signIn(page, token_value);
    const revoked = await h.api.call("POST", "/api/2.0/token/delete", { token_id: token_info.token_id });
    assert.equal(revoked.status, 200, revoked.text);
    await page.reload();
    await page.waitForURL(/\/signin$/);
    await page.getByText("Your session ended").waitFor();
  });
});
