// The gallery's pure parts: "try your own" values cleaned like the settings, the accent palette like
// chat_skins/color.py (both against tests/data/gallery-try-values.json, which Python checks too),
// the snippets, and the message a preview accepts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { accentPalette } from "../../static/js/gallery/palette.js";
import { snippets } from "../../static/js/gallery/snippets.js";
import { cleanAccent, cleanAvatar, cleanName, trialFrom, trialMessage } from "../../static/js/gallery/values.js";
import { MESSAGE_TYPE } from "../../static/js/protocol.js";

const CASES = JSON.parse(readFileSync(new URL("../data/gallery-try-values.json", import.meta.url), "utf8"));
const BASE = "https://dify.example/e/hook123/skins";

test("names, accents and avatars are cleaned exactly like the settings", () => {
  for (const [raw, want] of CASES.bot_name) assert.equal(cleanName(raw), want, JSON.stringify(raw));
  for (const [raw, want] of CASES.accent_color) assert.equal(cleanAccent(raw), want, JSON.stringify(raw));
  for (const [raw, want] of CASES.avatar_url) assert.equal(cleanAvatar(raw), want, JSON.stringify(raw));
});

test("the accent palette is color.py's, colour for colour", () => {
  for (const [hex, want] of Object.entries(CASES.palette)) assert.deepEqual(accentPalette(hex), want, hex);
  assert.equal(accentPalette("red"), null);
});

test("snippets: absolute URLs, only the values given, attributes escaped", () => {
  const plain = snippets(
    { skin: "kawaii", botName: "", accent: "", avatarUrl: "" },
    { base: BASE, fallbackName: "Demo" },
  );
  assert.equal(plain.settings, "skin: kawaii");
  assert.equal(plain.url, "https://dify.example/e/hook123/kawaii");
  assert.equal(
    plain.iframe,
    '<iframe src="https://dify.example/e/hook123/kawaii" title="Demo" style="width:100%;height:640px;border:0" allow="clipboard-write"></iframe>',
  );
  assert.equal(
    plain.script,
    '<script src="https://dify.example/e/hook123/embed.js" data-skin="kawaii" async></script>',
  );

  const name = '<img src=x onerror=alert(1)> "Bob" & co';
  const all = snippets(
    { skin: "letter", botName: name, accent: "#0f766e", avatarUrl: "https://cdn.example.com/a.png?x=1&y=2" },
    { base: BASE },
  );
  assert.equal(
    all.settings,
    [
      "skin: letter",
      'bot_name: "<img src=x onerror=alert(1)> \\"Bob\\" & co"',
      'accent_color: "#0f766e"',
      'avatar_url: "https://cdn.example.com/a.png?x=1&y=2"',
    ].join("\n"),
  );
  const escaped = "&lt;img src=x onerror=alert(1)&gt; &quot;Bob&quot; &amp; co";
  assert.ok(all.iframe.includes(`title="${escaped}"`), all.iframe);
  assert.equal(
    all.script,
    `<script src="https://dify.example/e/hook123/embed.js" data-skin="letter" data-color="#0f766e" data-title="${escaped}"` +
      ' data-icon="https://cdn.example.com/a.png?x=1&amp;y=2" async></script>',
  );
});

test("a preview accepts only a well-formed try message, and cleans it again", () => {
  const palette = accentPalette("#0f766e");
  const msg = trialMessage({ botName: "Harbor", avatarUrl: "https://cdn.example.com/a.png", palette });
  assert.equal(msg.type, MESSAGE_TYPE);
  assert.deepEqual(trialFrom(msg), { botName: "Harbor", avatarUrl: "https://cdn.example.com/a.png", accent: palette });
  assert.deepEqual(trialFrom(trialMessage({ botName: "", avatarUrl: "", palette: null })), {
    botName: "",
    avatarUrl: "",
    accent: null,
  });
  // Values that a settings form would refuse are dropped, not passed on.
  const sneaky = { ...msg, detail: { botName: " A\u202eB ", avatarUrl: "javascript:alert(1)", accent: null } };
  assert.deepEqual(trialFrom(sneaky), { botName: "AB", avatarUrl: "", accent: null });
  for (const bad of [
    null,
    "try",
    { ...msg, type: "other" },
    { ...msg, name: "command" },
    { ...msg, detail: null },
    { ...msg, detail: { ...msg.detail, accent: "#0f766e" } },
    { ...msg, detail: { ...msg.detail, accent: { ...palette, accent: "red" } } },
    { ...msg, detail: { ...msg.detail, accent: { ...palette, onAccent: "#fff;x:y" } } },
    { ...msg, detail: { ...msg.detail, accent: { accent: "#000000" } } },
  ]) {
    assert.equal(trialFrom(bad), null, JSON.stringify(bad));
  }
});
