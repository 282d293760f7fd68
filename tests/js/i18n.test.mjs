import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ERROR_KEYS, errorKey, formatCount, formatWait, pageLanguage, translator } from "../../static/js/i18n.js";

// The page's strings come from the catalogues the server reads (locales/), not from the bundle.
const en = JSON.parse(readFileSync(new URL("../../locales/en.json", import.meta.url), "utf8"));

test("every error code maps to a message key of the catalogue; unknown codes are generic", () => {
  for (const key of Object.values(ERROR_KEYS)) assert.ok(key in en, key);
  assert.equal(errorKey("something_new"), "err.generic");
  assert.equal(errorKey("__proto__"), "err.generic");
  assert.equal(errorKey("provider_quota_exceeded"), "err.quota");
});

test("every code in the /talk contract (docs/talk-api.md) has its own mapping", () => {
  const doc = readFileSync(new URL("../../docs/talk-api.md", import.meta.url), "utf8");
  const codes = [...doc.matchAll(/^\|\s*`([a-z_]+)`\s*\|\s*\d{3}\s*\|/gm)].map((m) => m[1]);
  assert.ok(codes.length >= 10, "error table not found in docs/talk-api.md");
  for (const code of codes) assert.ok(code in ERROR_KEYS, `no localized message for ${code}`);
});

test("the page's language is the server's decision; nothing else is guessed", () => {
  assert.equal(pageLanguage({ lang: "zh-Hant" }), "zh-Hant");
  assert.equal(pageLanguage({ lang: "he" }), "he");
  assert.equal(pageLanguage({}), "en");
  assert.equal(pageLanguage({ lang: "<script>" }), "en");
});

test("translator reads the server's strings, interpolates, and shows a missing key as itself", () => {
  const t = translator({ placeholder: "Ana にメッセージを送る…", usedTool: "{name} を使用" });
  assert.equal(t("placeholder"), "Ana にメッセージを送る…");
  assert.equal(t("usedTool", { name: "search" }), "search を使用");
  assert.equal(t("usedTool", {}), "{name} を使用");
  assert.equal(t("no.such.key"), "no.such.key");
  assert.equal(t("__proto__"), "__proto__");
  assert.equal(translator(undefined)("send"), "send");
  assert.equal(translator(en)("placeholder", { bot: "Ana" }), "Message Ana…");
});

test("numbers and waits are formatted with Intl in the page's language", () => {
  assert.equal(formatCount("en", 1234), "1,234");
  assert.equal(formatCount("de", 1234), "1.234");
  assert.equal(formatCount("ar-EG", 3), "٣");
  assert.equal(formatCount("not a tag!", 5), "5");
  assert.equal(formatWait("en", 30), "30 seconds");
  assert.equal(formatWait("en", 600), "10 minutes");
  assert.match(formatWait("ja", 30), /30/);
});
