// The fonts table (scripts/fonts.mjs): every face names a real package file of a real skin, in the one shape.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { FACES, faceFile, faceRules } from "../../scripts/fonts.mjs";

test("every skin in the table exists and each face names a woff2 file its package ships", () => {
  assert.ok(Object.keys(FACES).length >= 10);
  for (const [skin, faces] of Object.entries(FACES)) {
    assert.ok(existsSync(`static/css/skins/${skin}.css`), `fonts for an unknown skin ${skin}`);
    assert.ok(faces.length >= 1 && faces.length <= 2, skin);
    for (const face of faces) assert.ok(existsSync(`node_modules/${faceFile(face)}`), faceFile(face));
  }
});

test("file names follow fontsource: a variable face by its axis, a static one by weight and style", () => {
  assert.equal(
    faceFile(["Rubik Variable", "@fontsource-variable/rubik", "300 900"]),
    "@fontsource-variable/rubik/files/rubik-latin-wght-normal.woff2",
  );
  assert.equal(
    faceFile(["Crimson Pro", "@fontsource/crimson-pro", "400", "italic"]),
    "@fontsource/crimson-pro/files/crimson-pro-latin-400-italic.woff2",
  );
});

test("rules: one face each, latin subset, swap, the URL the build gives, no fake italics", () => {
  const css = faceRules(FACES.letter, (file) => `../fonts/${file.split("/").pop()}?v=1`);
  const rules = css.match(/@font-face \{[^}]*\}/g);
  assert.equal(rules.length, 2);
  assert.match(rules[1], /font-family: "Crimson Pro";font-style: italic;font-weight: 400;font-display: swap;/);
  assert.match(rules[1], /src: url\("\.\.\/fonts\/crimson-pro-latin-400-italic\.woff2\?v=1"\) format\("woff2"\);/);
  for (const rule of rules) assert.match(rule, /unicode-range: U\+0000-00FF, [^;]*U\+FFFD;/);
  assert.ok(css.endsWith(":root {font-synthesis-style: none;}"));
});
