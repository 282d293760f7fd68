import { test } from "node:test";
import assert from "node:assert/strict";
import { glueInlineCode } from "../../static/js/answer/glue.js";

// Just enough of the DOM for the glue: text nodes and elements in a list of children.
const text = (data) => ({ nodeType: 3, data });
function el(tag, ...kids) {
  const node = { nodeType: 1, tagName: tag.toUpperCase(), kids, parent: null };
  kids.forEach((k, i) => {
    k.parent = node;
    Object.defineProperty(k, "previousSibling", { get: () => node.kids[i - 1] || null, configurable: true });
    Object.defineProperty(k, "nextSibling", { get: () => node.kids[i + 1] || null, configurable: true });
  });
  node.closest = (sel) => {
    for (let n = node; n; n = n.parent) if (n.tagName === sel.toUpperCase()) return n;
    return null;
  };
  node.querySelectorAll = (sel) => {
    const found = [];
    const walk = (n) => (n.kids || []).forEach((k) => (k.tagName === sel.toUpperCase() && found.push(k), walk(k)));
    walk(node);
    return found;
  };
  return node;
}

test("punctuation and words touching inline code are joined to it; spaces stay breaks", () => {
  const before = text("like ");
  const after = text(". Questions?");
  const open = text("(");
  const close = text(") here");
  const root = el("p", before, el("code", text("RT-2048-XK")), after, open, el("code", text("npm ci")), close);
  glueInlineCode(root);
  assert.equal(before.data, "like ");
  assert.equal(after.data, "\u2060. Questions?");
  assert.equal(open.data, "(\u2060");
  assert.equal(close.data, "\u2060) here");
});

test("code blocks are left alone, and gluing twice adds nothing", () => {
  const lead = text("x");
  const root = el("div", el("pre", lead, el("code", text("a"))), text("y"));
  glueInlineCode(root);
  assert.equal(lead.data, "x");
  const after = text(".");
  const p = el("p", el("code", text("a")), after);
  glueInlineCode(p);
  glueInlineCode(p);
  assert.equal(after.data, "\u2060.");
});
