// The iframe side of the embed protocol: which messages it accepts and what it relays.
import { test } from "node:test";
import assert from "node:assert/strict";

import { commandFrom, plain, startEmbedBridge, toHost, trusted } from "../../static/js/embed-bridge.js";

const msg = (detail, extra = {}) => ({ type: "chatskins", bubble: "b1", name: "command", detail, ...extra });

test("commands: the four actions, cleaned", () => {
  assert.deepEqual(commandFrom(msg({ action: "send", text: "hi" }), "b1"), { action: "send", text: "hi" });
  assert.deepEqual(commandFrom(msg({ action: "reset", junk: 1 }), "b1"), { action: "reset" });
  assert.deepEqual(commandFrom(msg({ action: "focus" }), "b1"), { action: "focus" });
  assert.deepEqual(commandFrom(msg({ action: "setInputs", inputs: { city: "Lima", n: 2 } }), "b1"), {
    action: "setInputs",
    inputs: { city: "Lima", n: 2 },
  });
  assert.equal(commandFrom(msg({ action: "send", text: "x".repeat(30000) }), "b1").text.length, 20000);
});

test("commands: anything else is ignored", () => {
  const bad = [
    null,
    "send",
    { type: "other", bubble: "b1", name: "command", detail: { action: "reset" } },
    msg({ action: "reset" }, { bubble: "b2" }),
    msg({ action: "reset" }, { name: "ready" }),
    msg(null),
    msg({ action: "eval", code: "1" }),
    msg({ action: "send", text: "" }),
    msg({ action: "send", text: "   " }),
    msg({ action: "send", text: 42 }),
    msg({ action: "setInputs", inputs: "a=1" }),
    msg({ action: "setInputs" }),
    msg({ action: "__proto__" }),
  ];
  for (const data of bad) assert.equal(commandFrom(data, "b1"), null, JSON.stringify(data));
});

test("trusted: only the framing window, only from the accepted origin", () => {
  const parent = {};
  const embed = { origin: "https://shop.example", bubble: "b1" };
  assert.equal(trusted({ source: parent, origin: "https://shop.example" }, embed, parent), true);
  assert.equal(trusted({ source: {}, origin: "https://shop.example" }, embed, parent), false);
  assert.equal(trusted({ source: parent, origin: "https://evil.example" }, embed, parent), false);
  assert.equal(trusted({ source: parent, origin: "https://shop.example:444" }, embed, parent), false);
  assert.equal(trusted({ source: parent, origin: "https://shop.example" }, null, parent), false);
});

test("plain: details become JSON-safe objects", () => {
  assert.deepEqual(plain({ a: 1, f() {}, u: undefined }), { a: 1 });
  assert.deepEqual(plain(undefined), {});
  assert.deepEqual(plain([1, 2]), {});
  const loop = {};
  loop.self = loop;
  assert.deepEqual(plain(loop), {});
  assert.deepEqual(toHost("b1", "answer", { text: "ok" }), {
    type: "chatskins",
    bubble: "b1",
    name: "answer",
    detail: { text: "ok" },
  });
});

/** A window/document pair with just enough of the DOM for the bridge. */
function fakeWindow() {
  const listeners = (target) => {
    const map = {};
    target.addEventListener = (type, fn) => (map[type] = map[type] || []).push(fn);
    target.fire = (type, event) => (map[type] || []).forEach((fn) => fn(event));
    return target;
  };
  const parent = { posts: [] };
  parent.postMessage = (data, origin) => parent.posts.push({ data, origin });
  const commands = [];
  const document = listeners({ querySelector: () => null });
  document.dispatchEvent = (event) => commands.push(event.detail);
  const win = listeners({ parent, document });
  return { win, parent, document, commands };
}

test("bridge: relays events to the accepted origin and obeys only trusted commands", async () => {
  const { win, parent, document, commands } = fakeWindow();
  const embed = { origin: "https://shop.example", bubble: "b1" };
  assert.equal(startEmbedBridge(embed, win), true);
  assert.equal(startEmbedBridge(embed, win), false, "starts once");

  document.fire("chatskins:ready", { detail: { skin: "minimal", conversationId: null } });
  document.fire("chatskins:answer", { detail: { text: "Hello", messageId: "m", conversationId: "c" } });
  assert.deepEqual(
    parent.posts.map((p) => [p.origin, p.data.name, p.data.bubble]),
    [
      ["https://shop.example", "ready", "b1"],
      ["https://shop.example", "answer", "b1"],
    ],
  );

  win.fire("message", { source: parent, origin: "https://shop.example", data: msg({ action: "send", text: "hi" }) });
  win.fire("message", { source: parent, origin: "https://evil.example", data: msg({ action: "reset" }) });
  win.fire("message", { source: {}, origin: "https://shop.example", data: msg({ action: "reset" }) });
  assert.deepEqual(commands, [{ action: "send", text: "hi" }]);

  // Esc closes the panel unless the page consumed it (a stream stopped, a menu closed).
  win.fire("keydown", { key: "Escape", defaultPrevented: true });
  win.fire("keydown", { key: "Escape", isComposing: true });
  win.fire("keydown", { key: "Enter" });
  win.fire("keydown", { key: "Escape", defaultPrevented: false });
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(
    parent.posts.slice(2).map((p) => p.data.name),
    ["close"],
  );
});
