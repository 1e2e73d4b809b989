/**
 * The AI Playground in a real browser against the gateway and the OpenAI-wire mock:
 * the empty state, a streamed chat with the system prompt and parameters in the request
 * and the metrics on the reply, reasoning (collapsible, collapsed once the answer starts)
 * and tool calls, an image sent as a data URL, Stop, an upstream error shown inline,
 * two endpoints compared side by side (each column streaming on its own: a slow column
 * does not hold the fast one, and stops alone), a reload keeping the conversation, Export and Clear.
 *
 * Reasoning: the mock shows reasoning only on its Databricks route (OpenAI's API only
 * counts reasoning tokens), so the reasoning test chats with a `databricks-model-serving`
 * endpoint pointed at the mock, whose reasoning content blocks the gateway passes through.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { assertNoSecrets, inPage, mockChatEndpoint, settledValue, shoot, signIn, startUiHarness, UPSTREAM_KEY, type UiHarness } from "./harness.js";

/** A valid 2×2 PNG (four colours). */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGN4ZummNbefwbV67pdFiQAoBQYQ2zH+OQAAAABJRU5ErkJggg==", "base64");

type Json = Record<string, unknown>;

describe("web UI: AI Playground", () => {
  let h: UiHarness;
  let page: Page;
  const create = async (body: object) => {
    const r = await h.api.call("POST", "/api/2.0/serving-endpoints", body);
    assert.equal(r.status, 200, r.text);
  };
  const column = (letter: string) => page.getByRole("region", { name: new RegExp(`^Column ${letter}:`) });
  const lastRequest = () => h.mock.last().json as Json;
  const send = async (text: string) => {
    await page.getByLabel("Message", { exact: true }).fill(text);
    await page.getByLabel("Message", { exact: true }).press("Enter");
  };
  const idle = () => page.getByRole("button", { name: "Send" }).waitFor();

  before(async () => {
    h = await startUiHarness();
    page = await h.newPage();
  });
  after(async () => h?.close());

  it("explains how to start when there is no chat endpoint", async () => {
    await create({ name: "embedder", config: { served_entities: [{ external_model: { name: "text-embedding-3-small", provider: "openai", task: "llm/v1/embeddings", openai_config: { openai_api_base: `${h.mock.url}/v1`, openai_api_key_plaintext: UPSTREAM_KEY } } }] } });
    await signIn(page);
    await page.goto("/playground");
    await page.getByRole("heading", { name: "No chat endpoint yet" }).waitFor();
    assert.equal(await page.getByRole("link", { name: "Create an endpoint" }).getAttribute("href"), "/endpoints/new");
  });

  it("streams a reply; the request carries the system prompt and parameters; the reply shows its metrics", async () => {
    await create(mockChatEndpoint("chat-alpha", h.mock.url, "gpt-alpha"));
    await create(mockChatEndpoint("chat-beta", h.mock.url, "gpt-beta"));
    await create({
      name: "chat-thinker",
      config: { served_entities: [{ external_model: { name: "remote-thinker", provider: "databricks-model-serving", task: "llm/v1/chat", databricks_model_serving_config: { databricks_workspace_url: h.mock.url, databricks_api_token_plaintext: UPSTREAM_KEY } } }] },
    });
    // An ?endpoint= that is not a chat endpoint is said so; the first chat endpoint is picked.
    await page.goto("/playground?endpoint=embedder");
    await page.getByRole("status").getByText("There is no chat endpoint named embedder").waitFor();
    assert.equal(await settledValue(page.getByLabel("Endpoint", { exact: true }), "chat-alpha"), "chat-alpha");
    // The endpoint page links here with ?endpoint=: it picks the endpoint (not the first by name).
    await page.goto("/playground?endpoint=chat-beta");
    assert.equal(await settledValue(page.getByLabel("Endpoint", { exact: true }), "chat-beta"), "chat-beta");
    await page.getByText("openai · gpt-beta").waitFor();
    // An empty conversation offers example prompts; one fills the message box.
    const example = page.getByRole("list", { name: "Example prompts" }).getByRole("button").first();
    const prompt = await example.innerText();
    await example.click();
    assert.equal(await page.getByLabel("Message", { exact: true }).inputValue(), prompt);
    await shoot(page, "playground-empty");

    await page.getByLabel("System prompt").fill("You are a terse assistant. Answer in Markdown.");
    await page.getByLabel("Temperature", { exact: true }).fill("0.2");
    await page.getByLabel("Max tokens").fill("256");
    await page.getByLabel("Stop sequences").fill("END");
    const answer = "Tessera routes each request to a **served entity**:\n\n1. It checks the token.\n2. It picks an entity by traffic split.\n\n```ts\nconst r = await invoke(\"chat-beta\", body);\n```";
    h.mock.enqueue({ text: answer, pieces: 5, usage: { prompt: 42, completion: 17 }, pieceDelayMs: 80 });
    await send("How does Tessera route a request?");

    // While it streams: Stop instead of Send, the reply fills in piece by piece.
    await page.getByRole("button", { name: "Stop", exact: true }).waitFor();
    await page.getByText("Tessera routes each").waitFor();
    const reply = page.getByRole("article", { name: "Reply from chat-beta" });
    await reply.getByText("Tokens 42 in · 17 out").waitFor();
    await idle();
    const metrics = await reply.getByLabel("Reply metrics").innerText();
    assert.match(metrics, /gpt-beta/, "the served model (served-model-name)");
    assert.match(metrics, /TTFT \d+ ms/);
    assert.match(metrics, /Latency \d+ ms/);
    assert.equal(await reply.locator("strong", { hasText: "served entity" }).count(), 1, "Markdown is rendered");
    assert.match(await reply.locator("pre code").innerText(), /const r = await invoke/);

    const sent = lastRequest();
    assert.deepEqual((sent["messages"] as Json[])[0], { role: "system", content: "You are a terse assistant. Answer in Markdown." });
    assert.deepEqual((sent["messages"] as Json[])[1], { role: "user", content: "How does Tessera route a request?" });
    assert.equal(sent["temperature"], 0.2);
    assert.equal(sent["max_tokens"], 256);
    assert.deepEqual(sent["stop"], ["END"]);
    assert.equal(sent["stream"], true);
    assert.equal("top_p" in sent, false, "an empty field is not sent");
    await shoot(page, "playground-chat");
    await assertNoSecrets(page);

    // The next turn sends the history.
    h.mock.enqueue({ text: "Yes." });
    await send("Is that all?");
    await page.getByText("Yes.", { exact: true }).waitFor();
    await idle();
    assert.deepEqual(
      (lastRequest()["messages"] as Json[]).map((m) => m["role"]),
      ["system", "user", "assistant", "user"],
    );
  });

  it("shows reasoning (open while thinking, collapsed once the answer starts) and tool calls", async () => {
    await page.getByRole("button", { name: "Clear" }).click();
    await page.getByText("Ask chat-beta anything").waitFor();
    await page.getByLabel("Endpoint", { exact: true }).selectOption("chat-thinker");
    assert.match(page.url(), /\?endpoint=chat-thinker$/, "the address follows the first column's endpoint");
    h.mock.enqueue({
      reasoning: [{ text: "The user asks about the weather in Paris. I should call the weather tool with the city and use Celsius.", signature: "s" }],
      text: "Let me look up the current weather in Paris.",
      toolCalls: [{ id: "call_7Kq", name: "get_weather", arguments: { city: "Paris", unit: "celsius", days: 1 } }],
      pieces: 3,
      pieceDelayMs: 150,
    });
    await send("What's the weather in Paris?");
    const reply = page.getByRole("article", { name: "Reply from chat-thinker" });
    await reply.locator("details.pg-reasoning[open]").waitFor();
    await reply.locator("details.pg-reasoning:not([open])").waitFor();
    await idle();
    const tool = reply.getByRole("group", { name: "Tool call get_weather" });
    assert.match(await tool.innerText(), /"city": "Paris",\n\s+"unit": "celsius"/, "arguments pretty-printed");
    await reply.getByText("finish: tool_calls").waitFor();
    // Collapsed, and opens on click.
    const body = reply.locator(".pg-reasoning-body");
    assert.equal(await body.isVisible(), false);
    await reply.locator(".pg-reasoning summary").click();
    await body.getByText("call the weather tool").waitFor();
    await shoot(page, "playground-tools");
  });

  it("sends an attached image as a data URL and shows its thumbnail", async () => {
    await page.getByLabel("Endpoint", { exact: true }).selectOption("chat-alpha");
    // Shift+Enter is a new line, not a send.
    const requests = h.mock.requests.length;
    await page.getByLabel("Message", { exact: true }).fill("one");
    await page.getByLabel("Message", { exact: true }).press("Shift+Enter");
    assert.equal(await page.getByLabel("Message", { exact: true }).inputValue(), "one\n");
    assert.equal(h.mock.requests.length, requests);
    await page.getByLabel("Image files").setInputFiles({ name: "pixels.png", mimeType: "image/png", buffer: PNG });
    await page.getByRole("list", { name: "Images to send" }).getByRole("img", { name: "pixels.png" }).waitFor();
    h.mock.enqueue({ text: "Four coloured pixels." });
    await send("What is in this image?");
    await page.getByText("Four coloured pixels.").waitFor();
    await idle();
    const messages = lastRequest()["messages"] as Json[];
    const content = messages.at(-1)?.["content"] as Json[];
    assert.deepEqual(content[0], { type: "text", text: "What is in this image?" });
    const url = String((content[1]?.["image_url"] as Json | undefined)?.["url"]);
    assert.ok(url.startsWith("data:image/png;base64,"), url.slice(0, 40));
    assert.deepEqual(Buffer.from(url.slice("data:image/png;base64,".length), "base64"), PNG);
    await page.getByRole("list", { name: "Attached images" }).getByRole("img", { name: "pixels.png" }).waitFor();
    // The tool call of the previous reply is not replayed (the playground does not run tools).
    assert.equal(messages.some((m) => "tool_calls" in m), false);
  });

  it("stops a slow stream and shows an upstream error inline", async () => {
    h.mock.enqueue({ text: "This answer is long and slow and will be stopped before it ends.", pieces: 10, pieceDelayMs: 400 });
    await send("Tell me a long story.");
    await page.getByText("This answer").waitFor();
    await page.getByRole("button", { name: "Stop", exact: true }).click();
    const stopped = page.getByRole("article", { name: "Reply from chat-alpha" }).last();
    await stopped.getByText("Stopped").waitFor();
    await idle();

    h.mock.enqueue({ error: { status: 400, message: "This model's maximum context length is 8 tokens; your messages used 9." } });
    await send("Again?");
    const failed = page.getByRole("article", { name: "Reply from chat-alpha" }).last();
    await failed.getByRole("alert").locator(".error-message").getByText("maximum context length is 8 tokens").waitFor();
    await failed.getByText("Failed").waitFor();
  });

  it("compares two endpoints side by side, each column streaming on its own", async () => {
    await page.getByRole("button", { name: "Clear" }).click();
    await page.getByRole("button", { name: "Compare" }).click();
    assert.equal(await settledValue(page.getByLabel("Endpoint A"), "chat-alpha"), "chat-alpha");
    assert.equal(await settledValue(page.getByLabel("Endpoint B"), "chat-beta"), "chat-beta", "a new column takes an endpoint not used yet");

    const slow = "**Slow and thorough.** Consider three things:\n\n- latency\n- cost\n- quality";
    const fast = "**Fast:** pick the cheaper model for drafts.";
    h.mock.enqueue({ text: slow, pieces: 4, pieceDelayMs: 300, usage: { prompt: 20, completion: 30 } }, { text: fast, usage: { prompt: 20, completion: 9 } });
    const widths = async () => Promise.all(["A", "B"].map(async (l) => Math.round((await column(l).boundingBox())?.width ?? 0)));
    const before = await widths();
    await send("Which model should I use?");
    // The fast column finishes while the slow one still streams.
    await page.getByText("pick the cheaper model").waitFor();
    const fastColumnDone = page.getByRole("region", { name: /^Column [AB]:/ }).filter({ hasText: "pick the cheaper model" });
    await fastColumnDone.getByText("Tokens 20 in · 9 out").waitFor();
    assert.equal(await page.getByText("Streaming…").count(), 1, "the slow column is still streaming");
    assert.deepEqual(await widths(), before, "streaming does not change the columns' widths");
    await idle();
    assert.deepEqual(await widths(), before);

    // The mock answered in order of arrival: match each column to the request it sent.
    const [first, second] = h.mock.requests.slice(-2).map((r) => (r.json as Json)["model"]);
    const textOf: Record<string, string> = { [String(first)]: "Slow and thorough.", [String(second)]: "pick the cheaper model" };
    for (const [letter, endpoint, model] of [["A", "chat-alpha", "gpt-alpha"], ["B", "chat-beta", "gpt-beta"]] as const) {
      const col = column(letter);
      await col.getByText(textOf[model] as string).waitFor();
      assert.match(await col.getByLabel("Reply metrics").innerText(), new RegExp(model), `column ${letter} (${endpoint}) shows its served model`);
      assert.equal(await col.getByRole("article", { name: `Reply from ${endpoint}` }).count(), 1);
    }
    await shoot(page, "playground-compare");

    // A column stops on its own: the other one's answer stands.
    h.mock.enqueue({ text: "Another slow answer, stopped half-way through.", pieces: 10, pieceDelayMs: 300 }, { text: "Done quickly." });
    await send("And for summaries?");
    await page.getByText("Done quickly.").waitFor();
    await page.getByRole("button", { name: /^Stop column [AB]$/ }).click();
    await idle();
    assert.equal(await page.getByText("Stopped", { exact: true }).count(), 1);
  });

  it("keeps the conversation across a reload, exports it as JSON, and clears it", async () => {
    await page.reload();
    await column("B").getByText("Which model should I use?").waitFor();
    await column("A").getByLabel("Reply metrics").first().getByText(/TTFT/).waitFor();

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export JSON" }).click()]);
    assert.match(download.suggestedFilename(), /^playground-\d{4}-\d\d-\d\dT[\d-]+\.json$/);
    const doc = JSON.parse(await readFile(await download.path(), "utf8")) as Json;
    assert.equal(doc["format"], "tessera.playground.v1");
    assert.equal(doc["system_prompt"], "You are a terse assistant. Answer in Markdown.");
    assert.deepEqual(doc["parameters"], { temperature: 0.2, max_tokens: 256, stop: ["END"] });
    const columns = doc["columns"] as Array<{ endpoint: string; messages: Json[] }>;
    assert.deepEqual(columns.map((c) => c.endpoint), ["chat-alpha", "chat-beta"]);
    for (const c of columns) {
      assert.deepEqual(c.messages.map((m) => m["role"]), ["user", "assistant", "user", "assistant"]);
      assert.equal(c.messages[2]?.["content"], "And for summaries?");
      const m = c.messages[1]?.["metrics"] as Json;
      assert.equal(typeof m["latency_ms"], "number");
      assert.equal(typeof m["ttft_ms"], "number");
      assert.equal(m["prompt_tokens"], 20);
      assert.equal(m["served_model"], c.endpoint === "chat-alpha" ? "gpt-alpha" : "gpt-beta");
    }

    await page.getByRole("button", { name: "Clear" }).click();
    await column("A").getByText("Ask chat-alpha anything").waitFor();
    await column("B").getByText("Ask chat-beta anything").waitFor();
    assert.equal(await page.getByRole("button", { name: "Export JSON" }).isDisabled(), true);
    await page.getByRole("button", { name: "Remove column B" }).click();
    assert.equal(await page.getByRole("region", { name: /^Column/ }).count(), 0, "one column left: no letters");
    const stored = JSON.parse(String(await inPage(page, `new Promise((r) => setTimeout(() => r(sessionStorage.getItem("tessera.playground")), 700))`))) as Json;
    assert.equal((stored["columns"] as unknown[]).length, 1);
    await assertNoSecrets(page);
  });
});
