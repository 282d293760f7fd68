// Issue 15 on the client: conversation_memory modes, message times, the embed's prefill options.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseOptions } from "../../static/js/embed/options.js";
import { memoryBackend, memoryStore, normalizeMessage } from "../../static/js/store.js";
import { stamp } from "../../static/js/chat/stamp.js";

const HOOK = "hookaaaaaaaaaaaa";
const conv = { id: "c1", conversationId: null, title: "T", messages: [{ role: "user", text: "hi", at: 1 }] };

// localStorage and sessionStorage as the browser has them, for the length of one test.
function withStorages(fn) {
  const saved = [globalThis.localStorage, globalThis.sessionStorage];
  globalThis.localStorage = memoryBackend();
  globalThis.sessionStorage = memoryBackend();
  try {
    return fn(globalThis.localStorage, globalThis.sessionStorage);
  } finally {
    [globalThis.localStorage, globalThis.sessionStorage] = saved;
  }
}

test("memory browser: conversations go to localStorage", () =>
  withStorages((local, session) => {
    memoryStore(HOOK, "browser").save(conv);
    assert.ok(local.getItem(`chatskins:${HOOK}:conv:c1`));
    assert.equal(session.length, 0);
    assert.equal(memoryStore(HOOK, undefined).list().length, 1, "an unknown mode is browser");
  }));

test("memory tab: sessionStorage, and what browser mode left in localStorage is forgotten", () =>
  withStorages((local, session) => {
    memoryStore(HOOK, "browser").save(conv);
    local.setItem(`chatskins:${HOOK}:token`, "{}"); // not a transcript: stays
    local.setItem("chatskins:otherbot00000000:conversations", "[]"); // another bot: stays
    const store = memoryStore(HOOK, "tab");
    assert.equal(store.list().length, 0);
    store.save({ ...conv, id: "c2" });
    assert.ok(session.getItem(`chatskins:${HOOK}:conv:c2`));
    assert.deepEqual([...Array(local.length).keys()].map((i) => local.key(i)).sort(), [
      `chatskins:${HOOK}:token`,
      "chatskins:otherbot00000000:conversations",
    ]);
  }));

test("memory none: nothing of a conversation is stored anywhere", () =>
  withStorages((local, session) => {
    memoryStore(HOOK, "browser").save(conv);
    const store = memoryStore(HOOK, "none");
    store.save({ ...conv, id: "c3" });
    store.set("current", "c3");
    assert.equal(store.list().length, 1, "this visit's list still works");
    assert.equal(local.length, 0);
    assert.equal(session.length, 0);
  }));

test("a message keeps its time through storage; a bad one is dropped", () => {
  assert.equal(normalizeMessage({ role: "user", text: "a", at: 1700000000000 }).at, 1700000000000);
  assert.equal(normalizeMessage({ role: "bot", text: "a", at: 5 }).at, 5);
  assert.equal("at" in normalizeMessage({ role: "user", text: "a", at: "yesterday" }), false);
  assert.deepEqual(normalizeMessage({ role: "user", text: "a" }), { role: "user", text: "a" });
});

function fakeNode() {
  const time = { hidden: true, dateTime: "", textContent: "", title: "" };
  return { time, querySelector: (sel) => (sel === "[data-cs-time]" ? time : null) };
}

test("stamp: a <time> with the ISO instant, the time today, the date before", () => {
  const now = new Date("2026-03-04T15:00:00Z");
  const li = fakeNode();
  stamp(li, { at: Date.parse("2026-03-04T13:05:00Z") }, "en", now);
  assert.equal(li.time.dateTime, "2026-03-04T13:05:00.000Z");
  assert.equal(li.time.hidden, false);
  assert.ok(/\d/.test(li.time.textContent) && !li.time.textContent.includes("2026"));
  assert.ok(li.time.title.includes("2026"));
  const old = fakeNode();
  stamp(old, { at: Date.parse("2025-01-02T10:00:00Z") }, "de", now);
  assert.ok(old.time.textContent.includes("2025"));
  const none = fakeNode();
  stamp(none, { text: "stored before times existed" }, "en", now);
  assert.equal(none.time.hidden, true);
  const odd = fakeNode();
  stamp(odd, { at: 0 }, "not a language tag!", now);
  assert.equal(odd.time.hidden, false, "an unknown language falls back to the browser's");
});

test("embed options: q and send", () => {
  const o = parseOptions({ q: "Where is my parcel?", send: "true" }, undefined, "https://x/e/h/");
  assert.equal(o.q, "Where is my parcel?");
  assert.equal(o.send, true);
  const d = parseOptions({}, undefined, "https://x/e/h/");
  assert.equal(d.q, "");
  assert.equal(d.send, false);
  assert.equal(parseOptions({ q: "x".repeat(5000) }, undefined, "https://x/e/h/").q.length, 4000);
});
