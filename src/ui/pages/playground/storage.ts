/**
 * Keeps the conversation in session storage so a reload (or a visit to another page and
 * back) finds it again, and reads it back defensively: storage is user-editable and
 * outlives app versions, so anything that is not a well-formed conversation is dropped.
 * Attached images can be large; when the storage quota refuses them, the conversation is
 * kept without their pixels rather than not at all.
 */
import { settleStreams } from "./conversation.js";
import { DEFAULT_PARAMS, MAX_COLUMNS, type Column, type Conversation, type Params, type Turn } from "./model.js";

export const STORAGE_KEY = "tessera.playground";

/** The part of `Storage` used here (a fake in tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === "string";

function isTurn(v: unknown): v is Turn {
  if (!isObj(v) || !isStr(v["id"]) || typeof v["at"] !== "number") return false;
  if (v["role"] === "user") {
    return isStr(v["text"]) && Array.isArray(v["images"]) && v["images"].every((i) => isObj(i) && isStr(i["name"]) && isStr(i["dataUrl"]) && isStr(i["mediaType"]));
  }
  if (v["role"] !== "assistant") return false;
  return (
    isStr(v["endpoint"]) &&
    isStr(v["text"]) &&
    isStr(v["reasoning"]) &&
    Array.isArray(v["toolCalls"]) &&
    v["toolCalls"].every((t) => isObj(t) && isStr(t["id"]) && isStr(t["name"]) && isStr(t["arguments"])) &&
    ["streaming", "done", "stopped", "error"].includes(String(v["status"])) &&
    isObj(v["metrics"])
  );
}

function isColumn(v: unknown): v is Column {
  return isObj(v) && isStr(v["id"]) && isStr(v["endpoint"]) && Array.isArray(v["turns"]) && v["turns"].every(isTurn);
}

function paramsOf(v: unknown): Params {
  const p = isObj(v) ? v : {};
  const pick = (k: keyof Params) => (isStr(p[k]) ? p[k] : DEFAULT_PARAMS[k]);
  return { temperature: pick("temperature"), maxTokens: pick("maxTokens"), topP: pick("topP"), stop: pick("stop"), tools: pick("tools") };
}

/** The stored conversation, or undefined when there is none or it is not one this version understands. */
export function parseStored(raw: string | null): Conversation | undefined {
  if (!raw) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isObj(v) || v["version"] !== 1 || !Array.isArray(v["columns"])) return undefined;
  const columns = v["columns"];
  if (columns.length < 1 || columns.length > MAX_COLUMNS || !columns.every(isColumn)) return undefined;
  return settleStreams({ version: 1, system: isStr(v["system"]) ? v["system"] : "", params: paramsOf(v["params"]), columns });
}

/** The conversation with every attached image's pixels dropped (names and sizes kept). */
export function withoutImagePixels(c: Conversation): Conversation {
  return {
    ...c,
    columns: c.columns.map((col) => ({
      ...col,
      turns: col.turns.map((t) => (t.role === "user" && t.images.length ? { ...t, images: t.images.map((i) => ({ ...i, dataUrl: "" })) } : t)),
    })),
  };
}

export function loadConversation(store: KeyValueStore): Conversation | undefined {
  try {
    return parseStored(store.getItem(STORAGE_KEY));
  } catch {
    return undefined;
  }
}

/** Saves; on a full quota retries without image pixels, then gives up quietly (the page still works). */
export function saveConversation(store: KeyValueStore, c: Conversation): "saved" | "saved-without-images" | "not-saved" {
  try {
    store.setItem(STORAGE_KEY, JSON.stringify(c));
    return "saved";
  } catch {
    try {
      store.setItem(STORAGE_KEY, JSON.stringify(withoutImagePixels(c)));
      return "saved-without-images";
    } catch {
      return "not-saved";
    }
  }
}
