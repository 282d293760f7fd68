// The embed script's pure parts: options, strings, ids, the contrast rule, the shared protocol.
import { test } from "node:test";
import assert from "node:assert/strict";
import { luminance, onColor } from "../../static/js/embed/color.js";
import { bubbleId, embedStrings, hookBase, parseOptions } from "../../static/js/embed/options.js";
import { FORWARDED, MESSAGE_TYPE, PUBLIC_EVENTS, message } from "../../static/js/protocol.js";
import { commandFrom, toHost } from "../../static/js/embed-bridge.js";

const BASE = "https://dify.example/e/hook123/";

test("hookBase strips embed.js, the query and the fragment", () => {
  assert.equal(hookBase("https://dify.example/e/hook123/embed.js?v=1#x", "https://site.example/"), BASE);
  assert.equal(hookBase("/e/hook123/embed.js", "https://dify.example/page"), BASE);
  assert.equal(hookBase("https://dify.example/e/hook123", "https://site.example/"), BASE);
});

test("options: defaults, bounds, and checked values", () => {
  const o = parseOptions({}, undefined, BASE);
  assert.equal(o.size, 56);
  assert.equal(o.color, "#1f2937");
  assert.equal(o.label, "Open chat");
  assert.equal(o.title, "Chat");
  assert.equal(o.fullscreen, true);
  const bad = parseOptions(
    { size: "999", skin: "../x", lang: "not a tag", theme: "neon", inputs: "{oops", open: "yes", color: "red" },
    undefined,
    BASE,
    {},
    (c) => c.startsWith("#"),
  );
  assert.equal(bad.size, 56);
  assert.equal(bad.skin, "");
  assert.equal(bad.lang, "");
  assert.equal(bad.theme, "");
  assert.deepEqual(bad.inputs, {});
  assert.equal(bad.open, false);
  assert.equal(bad.color, "#1f2937");
  const good = parseOptions({ size: "48", skin: "neon-night", lang: "pt-BR", inputs: '{"a":1}', open: "" }, [], BASE);
  assert.deepEqual(
    [good.size, good.skin, good.lang, good.inputs, good.open],
    [48, "neon-night", "pt-BR", { a: 1 }, true],
  );
});

test("options: config entries apply by url or id, after the data attributes", () => {
  const configs = [
    { size: 40 },
    { url: BASE, label: "Sales" },
    { id: "other", label: "Nope" },
    { url: "https://x/e/y/" },
  ];
  const o = parseOptions({ label: "from the tag", id: "mine" }, configs, BASE);
  assert.equal(o.size, 40);
  assert.equal(o.label, "Sales");
});

test("the server's defaults name the bot and carry the strings of the resolved language", () => {
  const strings = { openChat: "Chat öffnen", chatWith: "Mit {name} chatten", title: "Chat", dismiss: "Schließen" };
  const o = parseOptions({}, null, BASE, { name: "Ada", color: "#fde047", strings });
  assert.equal(o.label, "Mit Ada chatten");
  assert.equal(o.title, "Ada");
  assert.equal(o.color, "#fde047");
  assert.equal(o.strings.dismiss, "Schließen");
  // A string the server did not send stays English.
  assert.equal(o.strings.loadFailed, "The chat did not load.");
  assert.equal(embedStrings({ strings: "nope" }).openChat, "Open chat");
});

test("bubble ids are safe and unique on the page", () => {
  const taken = new Set(["hook123"]);
  assert.equal(
    bubbleId("", BASE, (x) => taken.has(x)),
    "hook123-2",
  );
  assert.equal(
    bubbleId("a b<c>", BASE, () => false),
    "a-b-c-",
  );
  assert.equal(
    bubbleId("", "https://x/", () => false),
    "x",
  );
});

test("contrast: dark icons on light colors, white on dark ones and on non-hex colors", () => {
  assert.equal(luminance("#fff"), 1);
  assert.equal(luminance("#000000"), 0);
  assert.equal(luminance("red"), null);
  assert.equal(onColor("#fde047"), "#111");
  assert.equal(onColor("#1f2937"), "#fff");
  assert.equal(onColor("rgb(255,255,255)"), "#fff");
});

test("one protocol on both sides of the frame", () => {
  assert.deepEqual(toHost("b1", "answer", { text: "hi" }), message("b1", "answer", { text: "hi" }));
  assert.equal(toHost("b1", "ready", {}).type, MESSAGE_TYPE);
  for (const name of PUBLIC_EVENTS) assert.ok(FORWARDED.includes(name), name);
  assert.deepEqual(commandFrom(message("b1", "command", { action: "reset" }), "b1"), { action: "reset" });
  assert.equal(commandFrom(message("b1", "command", { action: "reset" }), "b2"), null);
});
