// Maths delimiters for marked: $..$, $$..$$, \(..\), \[..\] are taken whole before any markdown rule can
// touch them (escapes, emphasis), and leave as <code class="cs-math"> holding the LaTeX as text. The
// maths chunk later turns each into sanitized MathML; until then, or if it fails, the LaTeX shows as is.

const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
const esc = (s) => s.replace(/[&<>"]/g, (c) => ESC[c]);

// `$x$`: no space just inside either dollar and no digit right after the closing one (Pandoc's rule), so
// "costs $5 and $10" stays text. One line only; `\$` inside is a literal dollar.
// Delimiters that may span lines look at most 4,000 characters ahead, so an unclosed one costs little.
const INLINE = [
  [/^\$\$(?!\$)((?:\\[\s\S]|[^\\$]){1,4000}?)\$\$/, true],
  [/^\\\(((?:\\[\s\S]|[^\\]){1,4000}?)\\\)/, false],
  [/^\\\[((?:\\[\s\S]|[^\\]){1,4000}?)\\\]/, true],
  [/^\$(?![\s$])((?:\\[^\n]|[^\\$\n])*?(?:\\[^\n]|[^\s\\$]))\$(?!\d)/, false],
];
// Display maths on lines of its own: `$$` or `\[` ... `$$` or `\]`, possibly over several lines.
const BLOCK = /^ {0,3}(?:\$\$((?:\\[\s\S]|[^\\$]){1,4000}?)\$\$|\\\[((?:\\[\s\S]|[^\\]){1,4000}?)\\\])[ \t]*(?:\n|$)/;

// Where a candidate may start: marked cuts plain text (or a paragraph, for blocks) there so the tokenizer
// gets a chance.
const at =
  (re, skip = 0) =>
  (src) => {
    const m = re.exec(src);
    return m ? m.index + skip : undefined;
  };

export const mathsSyntax = {
  extensions: [
    {
      name: "csMathBlock",
      level: "block",
      // marked passes the text after a paragraph's first character: only a real line start counts.
      start: at(/\n {0,3}(?:\$\$|\\\[)/, 1),
      tokenizer(src) {
        if (!/^ {0,3}[$\\]/.test(src)) return; // the common case, answered cheaply
        const m = BLOCK.exec(src);
        if (m && (m[1] || m[2]).trim()) return { type: "csMathBlock", raw: m[0], text: (m[1] || m[2]).trim() };
      },
      renderer: ({ text }) => `<p><code class="cs-math cs-math-display">${esc(text)}</code></p>\n`,
    },
    {
      name: "csMath",
      level: "inline",
      start: at(/\$|\\[([]/),
      tokenizer(src, tokens) {
        if (src[0] !== "$" && src[0] !== "\\") return;
        // A dollar right after another ("$$x$" while streaming, "\\$$x$") opens nothing.
        if (src[0] === "$" && tokens.at(-1)?.raw.endsWith("$")) return;
        for (const [re, display] of INLINE) {
          const m = re.exec(src);
          if (m && m[1].trim()) return { type: "csMath", raw: m[0], text: m[1].trim(), display };
        }
      },
      renderer: ({ text, display }) => `<code class="cs-math${display ? " cs-math-display" : ""}">${esc(text)}</code>`,
    },
  ],
};
