// Maths delimiters (static/js/rich/maths-syntax.js through the markdown renderer): what counts as maths,
// what stays text (prices), and that the LaTeX reaches the placeholder untouched by markdown.
import { test } from "node:test";
import assert from "node:assert/strict";
import { markdownToHTML } from "../../static/js/markdown.js";

const maths = (html) =>
  [...html.matchAll(/<code class="cs-math( cs-math-display)?">([^<]*)<\/code>/g)].map((m) => [
    m[1] ? "display" : "inline",
    m[2]
      .replace(/&amp;/g, "&")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"'),
  ]);

test("every delimiter form becomes a maths placeholder with its LaTeX intact", () => {
  const html = markdownToHTML(
    "Inline $\\int_0^1 x\\,dx$, \\(a_{n}^{2}\\), display $$\\frac{a}{b}$$ and \\[\\sum_{i=1}^n i\\]",
  );
  assert.deepEqual(maths(html), [
    ["inline", "\\int_0^1 x\\,dx"],
    ["inline", "a_{n}^{2}"],
    ["display", "\\frac{a}{b}"],
    ["display", "\\sum_{i=1}^n i"],
  ]);
});

test("display maths on lines of its own, over several lines, is one block", () => {
  const html = markdownToHTML(
    "Before\n$$\n\\begin{aligned} a &= b \\\\ c &= *d* \\end{aligned}\n$$\nafter\n\n\\[\nx_1\n\\]",
  );
  assert.deepEqual(maths(html), [
    ["display", "\\begin{aligned} a &= b \\\\ c &= *d* \\end{aligned}"],
    ["display", "x_1"],
  ]);
  assert.ok(!html.includes("<em>"), html);
});

test("markdown inside maths is not markdown: emphasis, escapes and underscores stay LaTeX", () => {
  const html = markdownToHTML("$a_1 * b_2 * c$ and $\\{x\\}$ and $[a](b)$");
  assert.deepEqual(maths(html), [
    ["inline", "a_1 * b_2 * c"],
    ["inline", "\\{x\\}"],
    ["inline", "[a](b)"],
  ]);
  assert.ok(!/<em>|<a /.test(html), html);
});

test("dollar amounts are not maths", () => {
  for (const text of [
    "It costs $5 and $10.",
    "Between $5 and $10 per month, or $120 a year",
    "I paid $5, then $6.",
    "US$ 30 vs $ 40",
    "$5-$10",
    "a $ sign alone",
    "escaped \\$x\\$ dollars",
    "$x$1 is not maths either",
  ]) {
    assert.deepEqual(maths(markdownToHTML(text)), [], text);
  }
  assert.ok(markdownToHTML("It costs $5 and $10.").includes("It costs $5 and $10."));
});

test("maths in code spans and code blocks stays code", () => {
  const html = markdownToHTML("`$x$` and\n\n```\n$$y$$\n\\(z\\)\n```");
  assert.deepEqual(maths(html), []);
  assert.ok(html.includes("<code>$x$</code>"), html);
});

test("an unclosed delimiter while streaming stays text until it closes", () => {
  assert.deepEqual(maths(markdownToHTML("Half $\\frac{a}{")), []);
  assert.deepEqual(maths(markdownToHTML("Half \\(\\frac{a}{")), []);
  assert.deepEqual(maths(markdownToHTML("Half $$\\frac{a}{b}$")), []);
  assert.deepEqual(maths(markdownToHTML("Whole $\\frac{a}{b}$")), [["inline", "\\frac{a}{b}"]]);
});

test("the LaTeX is escaped text in the placeholder, never markup", () => {
  const html = markdownToHTML('$<img src=x onerror="alert(1)">$');
  assert.ok(html.includes('<code class="cs-math">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</code>'), html);
});

test("a code block keeps its language class for highlighting and diagrams", () => {
  assert.ok(markdownToHTML("```mermaid\ngraph TD\n```").includes('<code class="language-mermaid">'));
});

test("unclosed delimiters in a long text stay cheap", () => {
  // Dollars are not among the delimiters the renderer caps, so many unclosed ones reach the parser.
  const text = "$$ a, ".repeat(1).concat("price $ 5 ".repeat(1500), "x".repeat(3000));
  const start = performance.now();
  markdownToHTML(text);
  assert.ok(performance.now() - start < 3000, "took too long");
});
