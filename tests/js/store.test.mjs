import { test } from "node:test";
import assert from "node:assert/strict";
import { createStore, memoryBackend } from "../../static/js/store.js";

// A Storage-like object that can be made to fail like a full or blocked localStorage.
function fakeStorage({ failWith = null, quotaAfter = Infinity } = {}) {
  const m = memoryBackend();
  let writes = 0;
  return {
    getItem: (k) => m.getItem(k),
    setItem(k, v) {
      if (failWith || ++writes > quotaAfter) {
        const e = new Error("nope");
        e.name = failWith || "QuotaExceededError";
        throw e;
      }
      m.setItem(k, v);
    },
    removeItem: (k) => m.removeItem(k),
    key: (i) => m.key(i),
    get length() {
      return m.length;
    },
  };
}

test("every key is namespaced by the hook id; two bots on one origin never share anything", () => {
  const shared = fakeStorage();
  const a = createStore("hookaaaaaaaaaaaa", shared);
  const b = createStore("hookbbbbbbbbbbbb", shared);
  a.save({ id: "c1", conversationId: "x", title: "A", messages: [{ role: "user", text: "hi" }] });
  a.set("current", "c1");
  b.set("current", "other");
  assert.ok(a.keys().length >= 3);
  for (let i = 0; i < shared.length; i++) assert.match(shared.key(i), /^chatskins:hook(a{12}|b{12}):/);
  assert.equal(a.get("current"), "c1");
  assert.equal(b.get("current"), "other");
  assert.deepEqual(b.list(), []);
  assert.equal(b.load("c1"), null);
});

test("conversations: save, list newest first, load, rename, delete", () => {
  const s = createStore("h", fakeStorage());
  s.save({ id: "old", conversationId: "cid-1", title: "Old", updated: 1, messages: [{ role: "user", text: "1" }], inputs: { topic: "x" } });
  s.save({ id: "new", conversationId: null, title: "New", updated: 2, messages: [{ role: "user", text: "2" }] });
  assert.deepEqual(
    s.list().map((c) => c.id),
    ["new", "old"],
  );
  const old = s.load("old");
  assert.equal(old.conversationId, "cid-1");
  assert.deepEqual(old.messages, [{ role: "user", text: "1" }]);
  assert.deepEqual(old.inputs, { topic: "x" });
  s.rename("old", "Renamed");
  assert.equal(s.load("old").title, "Renamed");
  s.set("current", "old");
  s.delete("old");
  assert.equal(s.load("old"), null);
  assert.equal(s.get("current"), null);
  assert.ok(!s.keys().some((k) => k.includes("old")));
});

test("a half-streamed answer is stored as it is (the page marks it interrupted on reload)", () => {
  const s = createStore("h", fakeStorage());
  const bot = { role: "bot", text: "partial", streaming: true };
  s.save({ id: "c", messages: [{ role: "user", text: "q" }, bot] });
  assert.deepEqual(s.load("c").messages[1], bot);
});

test("storage full: switches to memory, keeps earlier data, says why once", () => {
  const reasons = [];
  const s = createStore("h", fakeStorage({ quotaAfter: 2 }), { onDegrade: (r) => reasons.push(r) });
  s.save({ id: "a", title: "A", messages: [{ role: "user", text: "kept" }] }); // 2 writes
  assert.equal(s.degraded, null);
  s.save({ id: "b", title: "B", messages: [{ role: "user", text: "in memory" }] });
  s.set("current", "b");
  assert.equal(s.degraded, "full");
  assert.deepEqual(reasons, ["full"]);
  assert.equal(s.load("a").messages[0].text, "kept");
  assert.equal(s.load("b").messages[0].text, "in memory");
  assert.equal(s.get("current"), "b");
});

test("storage unavailable (blocked, SecurityError) or absent: memory with a flag", () => {
  const blocked = createStore("h", fakeStorage({ failWith: "SecurityError" }));
  blocked.set("current", "x");
  assert.equal(blocked.degraded, "unavailable");
  assert.equal(blocked.get("current"), "x");
  const absent = createStore("h", null);
  assert.equal(absent.degraded, "unavailable");
  absent.save({ id: "c", messages: [] });
  assert.equal(absent.list().length, 1);
});

test("corrupt stored values read as defaults, never throw", () => {
  const backing = fakeStorage();
  backing.setItem("chatskins:h:conversations", "{not json");
  backing.setItem("chatskins:h:conv:x", "null");
  const s = createStore("h", backing);
  assert.deepEqual(s.list(), []);
  backing.setItem("chatskins:h:conversations", JSON.stringify([{ id: "x", title: "t" }, 5, null]));
  assert.deepEqual(s.load("x").messages, []);
});
