// Conversations over the store, without the DOM: start, load (untrusted data never stops the page),
// save (throttled while streaming), switch, and cut an answer off for Retry and Regenerate.
import { newId } from "../store.js";

export const SAVE_EVERY_MS = 700;

export function freshConversation(now = Date.now()) {
  return { id: newId(), conversationId: null, title: "", updated: now, messages: [], inputs: {} };
}

/** The conversation to show on load: the current one from `store`, else a fresh one. */
export function loadConversation(store) {
  try {
    const id = store.get("current");
    const c = (typeof id === "string" && store.load(id)) || freshConversation();
    // An answer still streaming when the page went away: keep its text, mark it interrupted.
    c.messages = c.messages.map((m) =>
      m && m.role === "bot" && m.streaming ? { ...m, streaming: false, interrupted: true } : m,
    );
    return c;
  } catch {
    return freshConversation();
  }
}

/** A saver for `store`: `save(conv)` always writes, `save(conv, false)` at most every `every` ms. */
export function createSaver(store, { every = SAVE_EVERY_MS, now = Date.now, off = false } = {}) {
  let last = 0;
  return function save(conv, force = true) {
    if (off || !conv || !conv.messages.length) return false;
    const t = now();
    if (!force && t - last < every) return false;
    last = t;
    conv.updated = t;
    store.save(conv);
    store.set("current", conv.id);
    return true;
  };
}

/** Makes `conv` the current one in `store` (an empty conversation is not remembered). */
export function rememberCurrent(store, conv) {
  if (conv.messages.length) store.set("current", conv.id);
  else store.remove("current");
}

/** Removes the answer at `index` and everything after it; the question it answered, or null. */
export function cutAnswer(conv, index) {
  const q = conv.messages[index - 1];
  if (!q || q.role !== "user") return null;
  conv.messages.splice(index);
  return q.text;
}

/** A title for a conversation from its first question. */
export function titleFrom(text) {
  return String(text).slice(0, 80);
}
