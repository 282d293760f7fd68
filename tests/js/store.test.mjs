import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { FORMAT, createStore, memoryBackend } from "../../static/js/store.js";

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
  s.save({
    id: "old",
    conversationId: "cid-1",
    title: "Old",
    updated: 1,
    messages: [{ role: "user", text: "1" }],
    inputs: { topic: "x" },
  });
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
  const loaded = s.load("c").messages[1];
  assert.equal(loaded.text, "partial");
  assert.equal(loaded.streaming, true);
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

// --- stored transcripts are untrusted (tests/data/hostile/transcripts.json) ---------------------

const MATRIX = JSON.parse(readFileSync(new URL("../data/hostile/transcripts.json", import.meta.url), "utf8")).cases;

for (const c of MATRIX) {
  test(`corrupted transcript matrix: ${c.name}`, () => {
    const backing = fakeStorage();
    backing.setItem("chatskins:h:conversations", c.index);
    if (c.body !== null) backing.setItem("chatskins:h:conv:c1", c.body);
    const s = createStore("h", backing);
    const conv = s.load("c1");
    if (c.expect === null) {
      assert.equal(conv, null);
      assert.deepEqual(s.list(), []);
      return;
    }
    assert.deepEqual(
      conv.messages.map((m) => m.text),
      c.expect.texts,
    );
    for (const m of conv.messages) {
      assert.ok(m.role === "user" || m.role === "bot");
      if (m.role === "bot") for (const k of ["citations", "steps", "tools"]) assert.ok(Array.isArray(m[k]), k);
    }
    if ("title" in c.expect) assert.equal(conv.title, c.expect.title);
    if ("conversationId" in c.expect) assert.equal(conv.conversationId, c.expect.conversationId);
    if ("inputs" in c.expect) assert.deepEqual(conv.inputs, c.expect.inputs);
    // Whatever was there, the page can keep working with it: save and load again.
    s.save({ ...conv, messages: [...conv.messages, { role: "user", text: "next" }] });
    assert.equal(s.load("c1").messages.at(-1).text, "next");
  });
}

test("version 1 data is migrated once to the current format", () => {
  const backing = fakeStorage();
  backing.setItem("chatskins:h:conversations", JSON.stringify([{ id: "a", title: "A", updated: 1 }]));
  backing.setItem(
    "chatskins:h:conv:a",
    JSON.stringify({ messages: [{ role: "user", text: "q" }, null, { role: "assistant", content: "old" }] }),
  );
  createStore("h", backing);
  const index = JSON.parse(backing.getItem("chatskins:h:conversations"));
  assert.equal(index[0].format, FORMAT);
  const body = JSON.parse(backing.getItem("chatskins:h:conv:a"));
  assert.equal(body.format, FORMAT);
  assert.deepEqual(
    body.messages.map((m) => [m.role, m.text]),
    [
      ["user", "q"],
      ["bot", "old"],
    ],
  );
  // Already current: a second start writes nothing.
  let writes = 0;
  const counting = {
    ...backing,
    getItem: backing.getItem,
    key: backing.key,
    removeItem: backing.removeItem,
    setItem: () => writes++,
    get length() {
      return backing.length;
    },
  };
  createStore("h", counting);
  assert.equal(writes, 0);
});

test("localStorage already full at start: reads what is stored, says full (not unavailable)", () => {
  const backing = fakeStorage();
  backing.setItem("chatskins:h:conversations", JSON.stringify([{ id: "a", title: "A", updated: 1, format: FORMAT }]));
  backing.setItem("chatskins:h:conv:a", JSON.stringify({ format: FORMAT, messages: [{ role: "user", text: "kept" }] }));
  const full = fakeStorage({ quotaAfter: 0 });
  const saved = globalThis.localStorage;
  globalThis.localStorage = {
    ...backing,
    getItem: backing.getItem,
    key: backing.key,
    removeItem: backing.removeItem,
    setItem: full.setItem,
    get length() {
      return backing.length;
    },
  };
  try {
    const s = createStore("h");
    assert.equal(s.degraded, "full");
    assert.equal(s.load("a").messages[0].text, "kept");
    s.save({ id: "b", messages: [{ role: "user", text: "new" }] });
    assert.equal(s.load("b").messages[0].text, "new");
  } finally {
    globalThis.localStorage = saved;
  }
});
