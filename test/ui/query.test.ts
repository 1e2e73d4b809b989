/**
 * The Query endpoint panel in a real browser, against the gateway and the OpenAI-wire
 * mock: "Show example" and Send show the mock's answer with status, tokens and the served
 * model; a stream grows in place with its time to first token and can be stopped; an
 * upstream 429 is shown in full; invalid JSON disables Send and says where; the snippets
 * name the endpoint's URL and never the token; the body survives a reload.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Locator, Page } from "playwright-core";
import { assertNoSecrets, inPage, mockChatEndpoint, shoot, signIn, startUiHarness, type UiHarness } from "./harness.js";

const NAME = "query-chat";

describe("web UI: Query endpoint panel", () => {
  let h: UiHarness;
  let page: Page;
  let panel: Locator;

  before(async () => {
    h = await startUiHarness();
    const created = await h.api.call("POST", "/api/2.0/serving-endpoints", mockChatEndpoint(NAME, h.mock.url));
    assert.equal(created.status, 200, created.text);
    page = await h.newPage();
    await signIn(page);
    await page.goto(`/endpoints/${NAME}`);
    panel = page.getByRole("region", { name: "Query endpoint" });
    await panel.waitFor();
  });
  after(async () => h?.close());

  const editor = () => panel.getByRole("textbox", { name: "Request body (JSON)" });
  const send = () => panel.getByRole("button", { name: "Send request" });
  /** Screenshots of the panel: scrolled to its top (the endpoint page has more above it). */
  async function shootPanel(name: string): Promise<void> {
    await inPage(page, `document.querySelector(".qp").scrollIntoView({ block: "start" })`);
    await shoot(page, name);
  }
  /** The summary bar as "label: value" lines. */
  async function summaryText(): Promise<string> {
    return (await panel.getByLabel("Response summary").innerText()).replace(/\n(?!\n)/g, ": ");
  }

  it("shows an example for the task, sends it, and shows the answer, status, tokens and served model", async () => {
    await send().isDisabled().then((d) => assert.ok(d, "Send is disabled while the body is empty"));
    await panel.getByRole("button", { name: "Show example" }).click();
    assert.match(await editor().innerText(), /"role": "system"/);
    h.mock.enqueue({ text: "The gateway answered this query.", usage: { prompt: 12, completion: 5 } });
    await send().click();
    await panel.getByLabel("Answer").getByText("The gateway answered this query.").waitFor();
    const s = await summaryText();
    assert.match(s, /Status: 200 OK/);
    assert.match(s, /Latency: \d+ ms|Latency: [\d.]+ s/);
    assert.match(s, /Tokens in: 12/);
    assert.match(s, /Tokens out: 5/);
    assert.match(s, /Total tokens: 17/);
    assert.match(s, /Served model: gpt-mock/);
    assert.doesNotMatch(s, /Time to first token/, "no TTFT for a plain request");
    // The pretty-printed body is shown, and what went upstream is the example.
    assert.match(await panel.getByRole("textbox", { name: "Response body" }).innerText(), /"object": "chat.completion"/);
    const upstream = h.mock.last().json as { messages: Array<{ role: string }>; max_tokens: number };
    assert.deepEqual(upstream.messages.map((m) => m.role), ["system", "user"]);
    await shootPanel("query-response");
  });

  it("streams: the text grows in place, time to first token is shown, the final JSON is folded", async () => {
    const text = "Streaming works: one piece, then another, then the last one.";
    h.mock.enqueue({ text, pieces: 6, pieceDelayMs: 250, usage: { prompt: 9, completion: 14 } });
    await panel.getByRole("switch", { name: "Stream" }).check();
    assert.match(await editor().innerText(), /"stream": true/);
    await send().click();
    const answer = panel.getByLabel("Answer");
    // Part of the text, while the Stop button is up: it renders as it arrives.
    await panel.getByRole("button", { name: "Stop" }).waitFor();
    await answer.getByText(/^Streaming works/).waitFor();
    const partial = await answer.innerText();
    const box = await panel.getByLabel("Answer").boundingBox();
    await answer.getByText(text).waitFor();
    assert.ok(!partial.includes("the last one."), `saw a partial answer first: ${partial}`);
    // Done: the folded JSON is offered, and the summary is complete.
    await panel.getByText(/Final JSON, folded from \d+ chunks/).waitFor();
    const after = await panel.getByLabel("Answer").boundingBox();
    assert.equal(after?.y, box?.y, "the answer did not move while streaming");
    const s = await summaryText();
    assert.match(s, /Status: 200 OK/);
    assert.match(s, /Time to first token: (\d+ ms|[\d.]+ s)/);
    assert.match(s, /Tokens in: 9/);
    assert.match(s, /Tokens out: 14/);
    assert.match(s, /Served model: gpt-mock/);
    assert.equal(h.mock.last().json && (h.mock.last().json as { stream?: boolean }).stream, true);
    await shootPanel("query-stream");
  });

  it("Stop ends a stream and keeps what had arrived", async () => {
    h.mock.enqueue({ text: "A slow answer that will be stopped before it ends, piece by piece.", pieces: 10, pieceDelayMs: 400 });
    await send().click();
    await panel.getByLabel("Answer").getByText(/^A slow answer/).waitFor();
    await panel.getByRole("button", { name: "Stop" }).click();
    await panel.getByText(/Stopped after/).waitFor();
    assert.match(await summaryText(), /Status: Stopped/);
    assert.doesNotMatch(await panel.getByLabel("Answer").innerText(), /piece by piece\./);
    await send().waitFor();
  });

  it("shows an upstream 429 in full (status, message, body); Ctrl+Enter sends", async () => {
    await panel.getByRole("switch", { name: "Stream" }).uncheck();
    // A Retry-After longer than the gateway waits: it answers the 429 instead of retrying.
    h.mock.enqueue({ error: { status: 429, message: "Rate limit reached for test", retryAfter: "3600" } });
    await editor().click();
    await page.keyboard.press("Control+Enter");
    const alert = panel.getByRole("alert");
    await alert.waitFor();
    assert.match(await alert.innerText(), /429/);
    assert.match(await alert.innerText(), /Rate limit reached for test/);
    assert.match(await summaryText(), /Status: 429/);
    assert.match(await panel.getByRole("textbox", { name: "Error response body" }).innerText(), /Rate limit reached for test/);
    await shootPanel("query-error");
  });

  it("disables Send on invalid JSON and says where it breaks", async () => {
    await editor().click();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.type('{"messages": 1,,');
    await panel.getByText(/Invalid JSON at line 1, column \d+/).waitFor();
    assert.ok(await send().isDisabled());
    assert.ok(await panel.getByRole("switch", { name: "Stream" }).isDisabled());
    await panel.getByText("Fix the request body to see the snippets.").waitFor();
  });

  it("gives curl, OpenAI and MLflow snippets for the current body, with the URL and never the token", async () => {
    await panel.getByRole("button", { name: "Show example" }).click();
    assert.ok(await send().isEnabled());
    const snippet = panel.getByRole("tabpanel");
    await panel.getByRole("tab", { name: "curl" }).click();
    const curl = await snippet.innerText();
    assert.ok(curl.includes(`'${h.url}/serving-endpoints/${NAME}/invocations'`), curl);
    assert.ok(curl.includes("Bearer $DATABRICKS_TOKEN"));
    assert.ok(curl.includes('"role": "system"'));
    await assertNoSecrets(page);
    await panel.getByRole("tab", { name: "Python (OpenAI)" }).click();
    const py = await snippet.innerText();
    assert.ok(py.includes('base_url=f"{host}/serving-endpoints"') && py.includes(`model="${NAME}"`) && py.includes("max_tokens=256"), py);
    await panel.getByRole("tab", { name: "TypeScript (OpenAI)" }).click();
    assert.match(await snippet.innerText(), /apiKey: process\.env\.DATABRICKS_TOKEN/);
    await panel.getByRole("tab", { name: "MLflow" }).click();
    assert.match(await snippet.innerText(), /get_deploy_client\("databricks"\)/);
    await panel.getByRole("tab", { name: "curl" }).click();
    await assertNoSecrets(page);
    await panel.getByRole("heading", { name: "Use this request from code" }).waitFor();
    await inPage(page, `document.querySelector(".qp-snippets").scrollIntoView({ block: "start" })`);
    await shoot(page, "query-snippets");
  });

  it("an embeddings endpoint: its own example, no Stream, the vectors' shape", async () => {
    const body = mockChatEndpoint("query-embed", h.mock.url, "embed-mock") as { config: { served_entities: Array<{ external_model: { task: string } }> } };
    const entity = body.config.served_entities[0];
    assert.ok(entity);
    entity.external_model.task = "llm/v1/embeddings";
    const created = await h.api.call("POST", "/api/2.0/serving-endpoints", body);
    assert.equal(created.status, 200, created.text);
    const p = await h.newPage();
    await signIn(p);
    await p.goto("/endpoints/query-embed");
    const q = p.getByRole("region", { name: "Query endpoint" });
    await q.getByRole("button", { name: "Show example" }).click();
    assert.match(await q.getByRole("textbox", { name: "Request body (JSON)" }).innerText(), /"input": \[/);
    assert.ok(await q.getByRole("switch", { name: "Stream" }).isDisabled(), "embeddings do not stream");
    await q.getByRole("button", { name: "Send request" }).click();
    await q.getByText(/2 vectors × \d+ dimensions/).waitFor();
    assert.match(await q.getByLabel("Response summary").innerText(), /200 OK/);
    assert.match(await q.getByRole("tabpanel").innerText(), /serving-endpoints\/query-embed\/invocations/);
    await q.getByRole("tab", { name: "Python (OpenAI)" }).click();
    assert.match(await q.getByRole("tabpanel").innerText(), /client\.embeddings\.create\(/);
  });

  it("keeps the request body for this endpoint across a reload", async () => {
    await page.reload();
    await panel.waitFor();
    assert.match(await editor().innerText(), /"max_tokens": 256/);
    assert.ok(await send().isEnabled());
  });
});
