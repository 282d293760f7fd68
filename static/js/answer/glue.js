// Inline code is a box of its own (so short code never splits), and a line may break on either side of a box:
// the bracket or punctuation touching the code would be left alone at a line's end or start. The code and the
// characters touching it (up to a space) go into one span that does not break; a space stays a break.

/** Glues every inline `code` in `root` to the text that touches it. */
export function glueInlineCode(root) {
  for (const code of [...root.querySelectorAll("code")]) {
    if (code.closest("pre") || code.parentNode.classList.contains("cs-glue")) continue;
    const before = code.previousSibling;
    const after = code.nextSibling;
    const lead = before && before.nodeType === 3 ? /\S+$/.exec(before.data) : null;
    const tail = after && after.nodeType === 3 ? /^\S+/.exec(after.data) : null;
    if (!lead && !tail) continue;
    const glue = code.ownerDocument.createElement("span");
    glue.className = "cs-glue";
    code.replaceWith(glue);
    if (lead) before.data = before.data.slice(0, lead.index);
    if (tail) after.data = after.data.slice(tail[0].length);
    glue.append(lead ? lead[0] : "", code, tail ? tail[0] : "");
  }
}
