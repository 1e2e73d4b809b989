/**
 * Changes to a playground conversation as pure functions (old conversation in, new one
 * out), so React state updates stay one-liners and Node tests can check every rule:
 * a prompt goes to every column that has an endpoint, each column keeps its own
 * transcript, at most MAX_COLUMNS columns, and a reload turns unfinished streams into
 * stopped replies.
 */
import { DEFAULT_PARAMS, MAX_COLUMNS, newId, type AssistantTurn, type Column, type Conversation, type ImageAttachment, type Turn } from "./model.js";

export function newColumn(endpoint = ""): Column {
  return { id: newId("col"), endpoint, turns: [] };
}

export function newConversation(endpoint = ""): Conversation {
  return { version: 1, system: "", params: { ...DEFAULT_PARAMS }, columns: [newColumn(endpoint)] };
}

function mapColumn(c: Conversation, columnId: string, f: (col: Column) => Column): Conversation {
  return { ...c, columns: c.columns.map((col) => (col.id === columnId ? f(col) : col)) };
}

/** Adds a column (empty transcript) answering with `endpoint`; no-op at MAX_COLUMNS. */
export function addColumn(c: Conversation, endpoint: string): Conversation {
  if (c.columns.length >= MAX_COLUMNS) return c;
  return { ...c, columns: [...c.columns, newColumn(endpoint)] };
}

/** Removes a column; the last one stays. */
export function removeColumn(c: Conversation, columnId: string): Conversation {
  if (c.columns.length <= 1) return c;
  return { ...c, columns: c.columns.filter((col) => col.id !== columnId) };
}

export function setEndpoint(c: Conversation, columnId: string, endpoint: string): Conversation {
  return mapColumn(c, columnId, (col) => ({ ...col, endpoint }));
}

/** Empties every transcript; endpoints, system prompt and parameters stay. */
export function clearTurns(c: Conversation): Conversation {
  return { ...c, columns: c.columns.map((col) => ({ ...col, turns: [] })) };
}

export function hasTurns(c: Conversation): boolean {
  return c.columns.some((col) => col.turns.length > 0);
}

export function isStreaming(col: Column): boolean {
  return col.turns.some((t) => t.role === "assistant" && t.status === "streaming");
}

export interface SentReply {
  columnId: string;
  replyId: string;
  endpoint: string;
}

/**
 * Appends the user's message and an empty streaming reply to every column with an
 * endpoint. Returns the new conversation and the replies to start, one per column.
 */
export function sendPrompt(c: Conversation, text: string, images: ImageAttachment[], now: number): { conversation: Conversation; replies: SentReply[] } {
  const replies: SentReply[] = [];
  const columns = c.columns.map((col) => {
    if (!col.endpoint) return col;
    const user: Turn = { id: newId("u"), role: "user", text, images, at: now };
    const reply: AssistantTurn = {
      id: newId("a"),
      role: "assistant",
      endpoint: col.endpoint,
      text: "",
      reasoning: "",
      toolCalls: [],
      finishReason: null,
      status: "streaming",
      metrics: {},
      at: now,
    };
    replies.push({ columnId: col.id, replyId: reply.id, endpoint: col.endpoint });
    return { ...col, turns: [...col.turns, user, reply] };
  });
  return { conversation: { ...c, columns }, replies };
}

/** Changes one reply; unknown column or reply ids (cleared meanwhile) leave the conversation as it is. */
export function updateReply(c: Conversation, columnId: string, replyId: string, patch: Partial<Omit<AssistantTurn, "id" | "role">>): Conversation {
  const col = c.columns.find((x) => x.id === columnId);
  if (!col?.turns.some((t) => t.id === replyId)) return c;
  return mapColumn(c, columnId, (x) => ({
    ...x,
    turns: x.turns.map((t) => (t.id === replyId && t.role === "assistant" ? { ...t, ...patch } : t)),
  }));
}

/** A stream cannot outlive the page: after a reload, a reply still marked streaming was cut off. */
export function settleStreams(c: Conversation): Conversation {
  return {
    ...c,
    columns: c.columns.map((col) => ({
      ...col,
      turns: col.turns.map((t) => (t.role === "assistant" && t.status === "streaming" ? { ...t, status: "stopped" } : t)),
    })),
  };
}
