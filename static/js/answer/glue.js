// Inline code is its own box (so short code never splits), and a line may break on either side of a box:
// the punctuation or word touching the code would be left alone at a line's end or start. A word joiner
// (U+2060, invisible, no width) on each touching side keeps them together; a space stays a break.
const JOINER = "\u2060";

/** Glues every inline `code` in `root` to the text that touches it. */
export function glueInlineCode(root) {
  for (const code of root.querySelectorAll("code")) {
    if (code.closest("pre")) continue;
    const before = code.previousSibling;
    if (before && before.nodeType === 3 && /[^\s\u2060]$/.test(before.data)) before.data += JOINER;
    const after = code.nextSibling;
    if (after && after.nodeType === 3 && /^[^\s\u2060]/.test(after.data)) after.data = JOINER + after.data;
  }
}
