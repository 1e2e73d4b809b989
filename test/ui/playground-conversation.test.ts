/**
 * The playground's conversation rules, without a browser: a prompt goes to every column
 * with an endpoint, columns are capped at three, replies update by id, the URL's
 * endpoint lands in the first column, and session storage round-trips (dropping what it
 * does not understand, settling cut-off streams, and keeping the rest when images do
 * not fit).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addColumn,
  clearTurns,
  hasTurns,
  isStreaming,
  newConversation,
  removeColumn,
  sendPrompt,
  setEndpoint,
  updateReply,
} from "../../src/ui/pages/playground/conversation.js";
import { chatEndpoints, initialEndpoint, servedSummary } from "../../src/ui/pages/playground/endpoints.js";
import type { Endpoint } from "../../src/ui/api/types.js";
import { MAX_COLUMNS } from "../../src/ui/pages/playground/model.js";
import { loadConversation, parseStored, saveConversation, STORAGE_KEY, type KeyValueStore } from "../../src/ui/pages/playground/storage.js";
import { assignEndpoints } from "../../src/ui/pages/playground/view.js";

function memoryStore(limit = Infinity): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => {
      if (v.length > limit) throw new Error("QuotaExceededError");
      data.set(k, v);
    },
    removeItem: (k) => void data.delete(k),
  };
}

describe("playground: conversation", () => {
  it("sends a prompt to every column with an endpoint, each keeping its own transcript", () => {
    let c = addColumn(addColumn(newConversation("a"), "b"), "");
    assert.equal(c.columns.length, 3);
    assert.equal(addColumn(c, "d"), c, `at most ${MAX_COLUMNS} columns`);
    const { conversation, replies } = sendPrompt(c, "Hi", [], 5);
    assert.deepEqual(replies.map((r) => r.endpoint), ["a", "b"], "the column without an endpoint is skipped");
    assert.deepEqual(conversation.columns.map((col) => col.turns.length), [2, 2, 0]);
    assert.ok(conversation.columns.slice(0, 2).every(isStreaming));
    c = conversation;
    const [ra, rb] = replies;
    assert.ok(ra && rb);
    c = updateReply(c, ra.columnId, ra.replyId, { text: "A!", status: "done", metrics: { latencyMs: 10 } });
    assert.equal(isStreaming(c.columns[0]!), false);
    assert.equal(isStreaming(c.columns[1]!), true, "the other column streams on");
    assert.equal(updateReply(c, ra.columnId, "gone", { text: "x" }), c, "an unknown reply changes nothing");
    assert.equal(updateReply(c, ra.columnId, rb.replyId, { text: "x" }), c, "a reply is found in its own column only");
  });

  it("removes columns but keeps the last, changes endpoints and clears transcripts", () => {
    const two = addColumn(newConversation("a"), "b");
    const [first, second] = two.columns;
    assert.ok(first && second);
    assert.deepEqual(removeColumn(two, first.id).columns.map((c) => c.endpoint), ["b"]);
    const one = removeColumn(two, first.id);
    assert.equal(removeColumn(one, second.id), one);
    assert.equal(setEndpoint(two, second.id, "z").columns[1]?.endpoint, "z");
    const sent = sendPrompt({ ...two, system: "S" }, "Hi", [], 1).conversation;
    assert.equal(hasTurns(sent), true);
    const cleared = clearTurns(sent);
    assert.equal(hasTurns(cleared), false);
    assert.equal(cleared.system, "S");
    assert.deepEqual(cleared.columns.map((c) => c.endpoint), ["a", "b"]);
  });
});

describe("playground: endpoints", () => {
  const ep = (name: string, task: string, provider = "openai", model = "gpt"): Endpoint =>
    ({
      name,
      task,
      id: name,
      creation_timestamp: 0,
      last_updated_timestamp: 0,
      state: { ready: "READY", config_update: "NOT_UPDATING" },
      config: { served_entities: [{ name: model, external_model: { provider, name: model, task } }] },
    }) as Endpoint;

  it("offers chat endpoints by name and picks the wanted one", () => {
    const list = chatEndpoints([ep("zeta", "llm/v1/chat"), ep("emb", "llm/v1/embeddings"), ep("alpha", "llm/v1/chat")]);
    assert.deepEqual(list.map((e) => e.name), ["alpha", "zeta"]);
    assert.equal(servedSummary(ep("x", "llm/v1/chat", "anthropic", "claude")), "anthropic · claude");
    assert.equal(initialEndpoint(["alpha", "zeta"], "zeta"), "zeta");
    assert.equal(initialEndpoint(["alpha", "zeta"], "nope"), "alpha");
    assert.equal(initialEndpoint(["alpha", "zeta"], null, ["alpha"]), "zeta");
    assert.equal(initialEndpoint([], "x"), "");
  });

  it("gives the URL's endpoint to the first column and a real endpoint to every column", () => {
    const c = addColumn(newConversation(""), "deleted");
    const out = assignEndpoints(c, ["alpha", "beta"], "beta");
    assert.deepEqual(out.columns.map((x) => x.endpoint), ["beta", "alpha"]);
    assert.equal(assignEndpoints(out, ["alpha", "beta"], "beta"), out, "nothing to change: the same object");
    assert.equal(assignEndpoints(out, ["alpha", "beta"], "not-chat").columns[0]?.endpoint, "beta", "an unknown ?endpoint= is ignored");
  });
});

describe("playground: session storage", () => {
  it("round-trips, and a stream cut off by the reload becomes a stopped reply", () => {
    const store = memoryStore();
    const { conversation } = sendPrompt({ ...newConversation("a"), system: "S" }, "Hi", [], 1);
    assert.equal(saveConversation(store, conversation), "saved");
    const back = loadConversation(store);
    assert.ok(back);
    assert.equal(back.system, "S");
    const reply = back.columns[0]?.turns[1];
    assert.equal(reply?.role === "assistant" && reply.status, "stopped");
  });

  it("drops what it does not understand", () => {
    for (const raw of [null, "", "{", "[]", '{"version":2,"columns":[]}', '{"version":1,"columns":[]}', '{"version":1,"columns":[{"id":"c","endpoint":"a","turns":[{"role":"bot"}]}]}']) {
      assert.equal(parseStored(raw), undefined, String(raw));
    }
    const ok = parseStored('{"version":1,"columns":[{"id":"c","endpoint":"a","turns":[]}],"params":{"temperature":3}}');
    assert.equal(ok?.params.temperature, "0.7", "a bad parameter falls back to its default");
  });

  it("keeps the conversation without image pixels when the quota refuses them", () => {
    const big = { name: "big.png", mediaType: "image/png", dataUrl: "data:image/png;base64," + "A".repeat(5000), bytes: 3750 };
    const { conversation } = sendPrompt(newConversation("a"), "Look", [big], 1);
    const store = memoryStore(2000);
    assert.equal(saveConversation(store, conversation), "saved-without-images");
    const back = loadConversation(store);
    const user = back?.columns[0]?.turns[0];
    assert.ok(user?.role === "user");
    assert.deepEqual(user.images.map((i) => [i.name, i.dataUrl]), [["big.png", ""]]);
    assert.equal(saveConversation(memoryStore(10), conversation), "not-saved");
    assert.equal(store.data.has(STORAGE_KEY), true);
  });
});
