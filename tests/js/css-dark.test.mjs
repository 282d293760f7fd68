// The build's dark expansion: a dark rule written once also applies when the system is dark and the page was not
// asked for light; other rules pass through untouched; a dark rule it cannot copy stops the build.
import assert from "node:assert/strict";
import { test } from "node:test";
import { expandDark } from "../../scripts/css-dark.mjs";

const media = (body) => `\n@media (prefers-color-scheme: dark) {\n${body}\n}`;

test("a dark rule is followed by its system-dark copy", () => {
  const css = ':root { --a: 1; }\n:root[data-theme="dark"] { --a: 2; }\n.x { color: red; }';
  assert.equal(
    expandDark(css),
    ':root { --a: 1; }\n:root[data-theme="dark"] { --a: 2; }' +
      media(':root:not([data-theme="light"]) { --a: 2; }') +
      "\n.x { color: red; }",
  );
});

test("descendant selectors, selector lists, comments and strings survive", () => {
  const css = '/* a { */ :root[data-theme="dark"] .a::before,\n:root[data-theme="dark"] .b { content: "}"; }';
  const out = expandDark(css);
  assert.ok(out.startsWith(css), out);
  assert.ok(
    out.endsWith(
      media(':root:not([data-theme="light"]) .a::before,\n:root:not([data-theme="light"]) .b { content: "}"; }'),
    ),
    out,
  );
});

test("rules inside at-rules and light rules are left alone", () => {
  const css = "@media (max-width: 10px) { .a { b: c; } }\n:root { --x: 1; }";
  assert.equal(expandDark(css), css);
});

test("a dark rule that cannot be copied stops the build", () => {
  assert.throws(() => expandDark('.a, :root[data-theme="dark"] .b { c: d; }'), /start every selector/);
  assert.throws(() => expandDark('@media print { :root[data-theme="dark"] { c: d; } }'), /start every selector/);
});

test("a lazy sheet's zero-specificity dark rule gets a zero-specificity system-dark copy", () => {
  const css =
    ':where(:root[data-theme="dark"]) { --a: 2; }\n:where(:root[data-theme="dark"]) .x,\n:root[data-theme="dark"] .y { b: c; }';
  assert.equal(
    expandDark(css),
    ':where(:root[data-theme="dark"]) { --a: 2; }' +
      media(':where(:root:not([data-theme="light"])) { --a: 2; }') +
      '\n:where(:root[data-theme="dark"]) .x,\n:root[data-theme="dark"] .y { b: c; }' +
      media(':where(:root:not([data-theme="light"])) .x,\n:root:not([data-theme="light"]) .y { b: c; }'),
  );
  assert.throws(() => expandDark('.a :where(:root[data-theme="dark"]) { c: d; }'), /start every selector/);
});
