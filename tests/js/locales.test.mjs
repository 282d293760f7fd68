// The interface catalogues in locales/: same keys as en.json, same placeholders, really translated.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";

const DIR = new URL("../../locales/", import.meta.url);
const LANGUAGES = [
  "en",
  "zh-Hans",
  "zh-Hant",
  "ja",
  "ko",
  "pt-BR",
  "pt-PT",
  "es",
  "fr",
  "de",
  "it",
  "ru",
  "uk",
  "pl",
  "ro",
  "tr",
  "vi",
  "th",
  "id",
  "hi",
  "ar",
  "fa",
  "he",
  "nl",
  "sl",
];

// Values that may equal the English text, per key, with the languages where that is correct.
// Only words that are the same word in that language (not untranslated English) belong here.
const SAME_AS_ENGLISH = {
  // The style's name is a Japanese loanword these languages write as it is.
  "skin.kawaii.label": ["pt-BR", "pt-PT", "es", "fr", "de", "it", "pl", "ro", "tr", "id", "nl", "sl"],
  // "Terminal" and "Retro" are these languages' own words, spelled like the English ones.
  "skin.terminal.label": ["pt-BR", "pt-PT", "es", "fr", "de", "pl", "ro", "tr", "id", "nl", "sl"],
  "skin.retro.label": ["pt-PT", "es", "de", "pl", "ro", "tr", "id", "nl", "sl"],
  // The city's name in these languages is spelled "Seoul" too.
  "skin.seoul.label": ["de", "vi", "id", "nl"],
  // "Neon" is spelled the same in these languages.
  "skin.neon.label": ["pt-BR", "de", "it", "pl", "ro", "tr", "id", "nl", "sl"],
  // "Chat" is the everyday noun in these languages (the fallback title of the page and the panel).
  "embed.title": ["pt-BR", "pt-PT", "es", "de", "it", "ro", "nl"],
  "page.title": ["pt-BR", "pt-PT", "es", "de", "it", "ro", "nl"],
  // The French words are spelled like the English ones.
  sources: ["fr"],
  "page.botName": ["fr"],
  "answer.image": ["fr"],
  // "Diagram" is the word these languages use, spelled like the English one.
  "rich.diagram": ["pl", "id", "nl", "sl"],
};

const PLACEHOLDER = /\{(\w+)\}/g;
// Marks that force direction; the page sets dir on the document and dir="auto" on messages instead.
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
// Arabic and Persian have their own comma, semicolon and question mark.
const ARABIC_SCRIPT = new Set(["ar", "fa"]);

const read = (lang) => readFileSync(new URL(`${lang}.json`, DIR), "utf8");
const placeholders = (text) => [...text.matchAll(PLACEHOLDER)].map((m) => m[1]).sort();
const en = JSON.parse(read("en"));
const enKeys = Object.keys(en);

test("locales/ holds exactly one catalogue per interface language", () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith(".json"));
  assert.deepEqual(files.sort(), LANGUAGES.map((l) => `${l}.json`).sort());
});

test("en.json is a flat object of non-empty strings", () => {
  assert.ok(enKeys.length > 0);
  for (const [key, value] of Object.entries(en)) {
    assert.equal(typeof value, "string", key);
    assert.ok(value.trim() === value && value !== "", `en ${key} is empty or padded`);
  }
});

test("the allow-list names only real keys and languages", () => {
  for (const [key, langs] of Object.entries(SAME_AS_ENGLISH)) {
    assert.ok(key in en, key);
    for (const lang of langs) assert.ok(LANGUAGES.includes(lang) && lang !== "en", `${key}: ${lang}`);
  }
});

for (const lang of LANGUAGES) {
  test(`${lang}: valid JSON, 2-space indent, final newline, en's keys in en's order`, () => {
    const text = read(lang);
    const data = JSON.parse(text);
    assert.equal(text, `${JSON.stringify(data, null, 2)}\n`, "not in the canonical layout");
    assert.equal(Object.getPrototypeOf(data), Object.prototype);
    assert.deepEqual(Object.keys(data), enKeys);
  });

  if (lang === "en") continue;

  test(`${lang}: every value translated, placeholders kept`, () => {
    const data = JSON.parse(read(lang));
    const problems = [];
    for (const key of enKeys) {
      const value = data[key];
      if (typeof value !== "string" || value.trim() !== value || value === "") {
        problems.push(`${key}: empty, padded or not a string`);
        continue;
      }
      if (placeholders(value).join() !== placeholders(en[key]).join()) problems.push(`${key}: placeholders differ`);
      const allowed = (SAME_AS_ENGLISH[key] || []).includes(lang);
      if (allowed && value !== en[key]) problems.push(`${key}: allow-listed but translated (drop it from the list)`);
      if (!allowed && value === en[key]) problems.push(`${key}: still the English text`);
    }
    assert.deepEqual(problems, []);
  });

  test(`${lang}: no forced direction marks${ARABIC_SCRIPT.has(lang) ? ", Arabic-script punctuation" : ""}`, () => {
    for (const [key, value] of Object.entries(JSON.parse(read(lang)))) {
      assert.doesNotMatch(value, BIDI_CONTROLS, `${lang} ${key}`);
      if (ARABIC_SCRIPT.has(lang)) assert.doesNotMatch(value, /[,;?]/, `${lang} ${key}: use ، ؛ ؟`);
    }
  });
}
