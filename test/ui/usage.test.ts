/**
 * The usage page in a real browser, against usage recorded by real requests through the
 * gateway: the workspace's tiles add up the requests, errors and tokens of the endpoints
 * that track usage (not of the one that does not), the charts render, the breakdowns name
 * the endpoints and the requester; one endpoint's view shows its own numbers, an
 * untracked endpoint explains how to turn tracking on, and a non-admin gets the API's 403
 * for the workspace but can read an endpoint they may view.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { assertNoSecrets, inPage, mockChatEndpoint, shoot, signIn, startUiHarness, type UiHarness } from "./harness.js";

const TRACKED = { usage_tracking_config: { enabled: true } };
const SCIM = "/api/2.0/preview/scim/v2";

/** The big number of a summary tile. */
async function tile(page: Page, label: string): Promise<string> {
  return ((await page.getByRole("group", { name: label, exact: true }).locator(".us-tile-value").textContent()) ?? "").trim();
}

/** The Requests tile once it shows `n` (a locator to wait for). */
function requestsTile(page: Page, n: string) {
  return page.getByRole("group", { name: "Requests", exact: true }).locator(".us-tile-value", { hasText: new RegExp(`^${n}$`) });
}

async function tiles(page: Page): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const l of ["Requests", "Input tokens", "Output tokens", "Errors"]) out[l] = await tile(page, l);
  return out;
}

describe("web UI: usage", () => {
  let h: UiHarness;
  before(async () => {
    h = await startUiHarness();
    const create = async (name: string, aiGateway?: object) => {
      const r = await h.api.call("POST", "/api/2.0/serving-endpoints", { ...mockChatEndpoint(name, h.mock.url), ...(aiGateway ? { ai_gateway: aiGateway } : {}) });
      assert.equal(r.status, 200, r.text);
    };
    await create("chat-a", TRACKED);
    await create("chat-b", TRACKED);
    await create("chat-untracked");
    const ask = async (name: string, status = 200) => {
      const r = await h.api.call("POST", `/serving-endpoints/${name}/invocations`, { messages: [{ role: "user", content: "hello" }] });
      assert.equal(r.status, status, r.text);
    };
    // chat-a: three answers (11 in / 7 out each, the mock's default) and one upstream error.
    for (let i = 0; i < 3; i++) await ask("chat-a");
    h.mock.enqueue({ error: { status: 500, message: "boom" } });
    await ask("chat-a", 500);
    // chat-b: two answers; chat-untracked: one that is not recorded.
    for (let i = 0; i < 2; i++) await ask("chat-b");
    await ask("chat-untracked");
  });
  after(async () => h?.close());

  it("shows the workspace's totals, charts and breakdowns, and one endpoint's own numbers", async () => {
    const page = await h.newPage();
    await signIn(page);
    // Records are written in batches; the usage API writes the buffer before reading, so the page sees them at once.
    await page.goto("/usage");
    await page.getByRole("table", { name: "Top requesters" }).waitFor();
    assert.deepEqual(await tiles(page), { Requests: "6", "Input tokens": "55", "Output tokens": "35", Errors: "1" });
    assert.match((await page.getByRole("group", { name: "Errors", exact: true }).textContent()) ?? "", /16\.7% error rate/);
    assert.notEqual(await tile(page, "p50 latency"), "—");
    assert.notEqual(await tile(page, "p99 latency"), "—");

    // Three charts drawn as SVG, with bars and latency points.
    assert.ok(Number(await inPage(page, `document.querySelectorAll(".us-chart svg.recharts-surface").length`)) >= 3);
    assert.ok(Number(await inPage(page, `document.querySelectorAll(".us-chart .recharts-bar-rectangle").length`)) > 0, "bars drawn");
    for (const name of ["Requests", "Tokens", "Latency"]) await page.getByRole("heading", { name, exact: true }).waitFor();

    const requesters = page.getByRole("table", { name: "Top requesters" });
    assert.match((await requesters.getByRole("row").nth(1).textContent()) ?? "", /^admin\s*6/);
    const byEndpoint = page.getByRole("table", { name: "By endpoint" });
    const rows = await byEndpoint.getByRole("row").allTextContents();
    assert.equal(rows.length, 3, rows.join(" | "));
    assert.match(rows[1] ?? "", /^chat-a433211 \(25%\)/);
    assert.match(rows[2] ?? "", /^chat-b222140/);
    await page.getByText("Not tracking usage (not counted above): chat-untracked").waitFor();
    await assertNoSecrets(page);
    await shoot(page, "usage", { fullPage: true });

    // One endpoint, chosen in the selector and kept in the URL.
    await page.getByLabel("Endpoint", { exact: true }).selectOption("chat-a");
    await page.waitForURL(/\/usage\?endpoint=chat-a$/);
    await page.getByText("usage tracking on").waitFor();
    await page.locator(".us-stale").waitFor({ state: "detached" });
    assert.deepEqual(await tiles(page), { Requests: "4", "Input tokens": "33", "Output tokens": "21", Errors: "1" });
    assert.ok(Number(await inPage(page, `document.querySelectorAll(".us-chart svg.recharts-surface").length`)) >= 3);
    // The admin manages chat-a, so it sees who used it (4 requests, all its own).
    const endpointRequesters = await page.getByRole("table", { name: "Top requesters" }).locator("tbody tr").allInnerTexts();
    assert.match(endpointRequesters[0]?.replace(/\s+/g, "") ?? "", /^admin.*4/);
    await shoot(page, "usage-endpoint");

    // Following a link of the breakdown keeps the range; reload keeps the view.
    await page.goto("/usage?range=7d");
    await page.getByRole("button", { name: "Last 7 days" }).and(page.locator("[aria-pressed=true]")).waitFor();
    await page.getByRole("table", { name: "By endpoint" }).getByRole("link", { name: "chat-b" }).click();
    await page.waitForURL(/\/usage\?range=7d&endpoint=chat-b$/);
    await page.reload();
    await requestsTile(page, "2").waitFor();
    await page.locator(".us-stale").waitFor({ state: "detached" });
    assert.equal(await tile(page, "Input tokens"), "22");

    // An endpoint without usage tracking explains how to turn it on.
    await page.getByLabel("Endpoint", { exact: true }).selectOption("chat-untracked");
    await page.getByRole("heading", { name: "Usage tracking is off for chat-untracked" }).waitFor();
    await page.getByText(`"usage_tracking_config": { "enabled": true }`).waitFor();

    // A custom range before any request: the workspace's empty state.
    await page.goto("/usage?range=custom&from=2020-01-01T00:00&to=2020-01-02T00:00");
    await page.getByRole("heading", { name: "No usage recorded in this time range" }).waitFor();
    await page.getByText("Usage tracking is on for chat-a, chat-b").waitFor();
  });

  it("shows a non-admin the API's 403 for the workspace and the endpoint they can view", async () => {
    const user = await h.api.call("POST", `${SCIM}/Users`, { userName: "viewer@example.com" });
    assert.equal(user.status, 201, user.text);
    const grant = await h.api.call("PATCH", "/api/2.0/permissions/serving-endpoints/chat-b", { access_control_list: [{ user_name: "viewer@example.com", permission_level: "CAN_VIEW" }] });
    assert.equal(grant.status, 200, grant.text);
    const tok = await h.api.call("POST", "/api/2.0/token-management/on-behalf-of/tokens", { user_name: "viewer@example.com" });
    assert.equal(tok.status, 200, tok.text);
    const token = (tok.json as { token_value: string }).token_value;

    const page = await h.newPage();
    await signIn(page, token);
    await page.goto("/usage");
    const error = page.getByRole("alert");
    await error.getByText("403").waitFor();
    const refused = await h.api.call("GET", "/api/2.0/serving-endpoints/usage", undefined, { authorization: `Bearer ${token}` });
    assert.equal(refused.status, 403);
    await error.getByText((refused.json as { message: string }).message, { exact: true }).waitFor();
    await page.getByText("The workspace view is for admins").waitFor();

    await page.getByLabel("Endpoint", { exact: true }).selectOption("chat-b");
    await requestsTile(page, "2").waitFor();
    await assertNoSecrets(page, [token]);
  });
});
