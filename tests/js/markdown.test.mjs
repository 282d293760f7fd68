import { test } from "node:test";
import assert from "node:assert/strict";
import { splitBlocks } from "../../static/js/blocks.js";
import { markdownToHTML } from "../../static/js/markdown.js";

test("raw HTML in an answer is escaped into text, never passed through", () => {
  const html = markdownToHTML('Hi <img src=x onerror="alert(1)"> and <script>alert(2)</script>\n\n<div onclick="x()">block</div>');
  assert.ok(!/<img|<script|<div/i.test(html), html);
  assert.match(html, /&lt;img src=x onerror=/);
});

test("markdown features render: lists, tables, code, links", () => {
  const html = markdownToHTML("1. a\n2. b\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n```js\nlet a = 1 < 2;\n```\n\n[site](https://example.com)");
  assert.match(html, /<ol>/);
  assert.match(html, /<table>/);
  assert.match(html, /<pre><code[^>]*>let a = 1 &lt; 2;/);
  assert.match(html, /<a href="https:\/\/example.com">site<\/a>/);
});

test("splitBlocks: parts join back to the text; fences are never split", () => {
  const para = "word ".repeat(80) + "\n\n";
  const fence = "```\n" + "code\n\n".repeat(200) + "```\n\n";
  const text = para.repeat(5) + fence + para.repeat(5) + "tail";
  const parts = splitBlocks(text, 300);
  assert.equal(parts.join(""), text);
  assert.ok(parts.length > 5);
  for (const p of parts) assert.equal((p.match(/```/g) || []).length % 2, 0, "a part cuts a code fence");
});

test("splitBlocks: boundaries are stable as the text grows (only the tail changes)", () => {
  const text = ("Paragraph " + "x".repeat(200) + "\n\n- item\n  continued\n\n").repeat(30);
  let prev = [];
  for (let n = 1; n <= text.length; n += 37) {
    const parts = splitBlocks(text.slice(0, n), 500);
    for (let i = 0; i < prev.length - 1; i++) assert.equal(parts[i], prev[i], `part ${i} changed at ${n}`);
    prev = parts;
  }
});

test("splitBlocks: never cuts before an indented line (list continuation)", () => {
  const text = "x".repeat(600) + "\n\n  indented continuation\n\nnext";
  const parts = splitBlocks(text, 100);
  assert.ok(!parts.some((p) => p.startsWith("  indented")));
});
