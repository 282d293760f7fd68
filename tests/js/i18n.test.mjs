import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  ERROR_KEYS,
  LANGUAGES,
  MESSAGES,
  errorKey,
  matchLanguage,
  pickLanguage,
  translator,
} from "../../static/js/i18n.js";

const en = MESSAGES.en;

test("every language has every key, non-empty, with the same {placeholders}", () => {
  assert.deepEqual(Object.keys(MESSAGES).sort(), [...LANGUAGES].sort());
  const vars = (s) => (s.match(/\{\w+\}/g) || []).sort().join(",");
  for (const lang of LANGUAGES) {
    const table = MESSAGES[lang];
    assert.deepEqual(Object.keys(table).sort(), Object.keys(en).sort(), `${lang}: keys differ from en`);
    for (const [k, v] of Object.entries(table)) {
      assert.ok(typeof v === "string" && v.trim(), `${lang}.${k} empty`);
      assert.equal(vars(v), vars(en[k]), `${lang}.${k}: placeholders differ`);
    }
  }
});

test("non-English tables are translations, not copies of English", () => {
  for (const lang of LANGUAGES.filter((l) => l !== "en")) {
    const same = Object.keys(en).filter((k) => MESSAGES[lang][k] === en[k]);
    assert.ok(same.length <= 2, `${lang}: untranslated ${same}`);
  }
});

test("every error code maps to a message key that exists; unknown codes are generic", () => {
  for (const key of Object.values(ERROR_KEYS)) assert.ok(key in en, key);
  assert.equal(errorKey("something_new"), "err.generic");
  assert.equal(errorKey("__proto__"), "err.generic");
  assert.equal(errorKey("provider_quota_exceeded"), "err.quota");
});

test("every code in the /talk contract (docs/talk-api.md) has its own mapping", () => {
  let doc;
  try {
    doc = readFileSync(new URL("../../docs/talk-api.md", import.meta.url), "utf8");
  } catch {
    return; // contract not written yet
  }
  const codes = [...doc.matchAll(/^\|\s*`([a-z_]+)`\s*\|\s*\d{3}\s*\|/gm)].map((m) => m[1]);
  assert.ok(codes.length >= 10, "error table not found in docs/talk-api.md");
  for (const code of codes) assert.ok(code in ERROR_KEYS, `no localized message for ${code}`);
});

test("language choice: setting, then ?lang=, then the browser, then English", () => {
  assert.equal(pickLanguage("ja", "ko", ["es"]), "ja");
  assert.equal(pickLanguage(null, "ko", ["es"]), "ko");
  assert.equal(pickLanguage(null, null, ["fr-FR", "pt-PT", "en"]), "pt-BR");
  assert.equal(pickLanguage("auto", "xx", ["zh-TW"]), "zh-Hans");
  assert.equal(pickLanguage(null, null, []), "en");
  assert.equal(matchLanguage("zh_CN"), "zh-Hans");
  assert.equal(matchLanguage("ES-mx"), "es");
  assert.equal(matchLanguage("de"), null);
});

test("translator interpolates and falls back to English, then to the key", () => {
  const t = translator("ja");
  assert.equal(t("placeholder", { bot: "Ana" }), "Ana にメッセージを送る…");
  assert.equal(translator("xx")("send"), "Send");
  assert.equal(t("no.such.key"), "no.such.key");
  assert.equal(translator("en")("usedTool", {}), "Used {name}");
});
