// The end of an answer that is still streaming, shown as it will look once complete: an unclosed
// `**`, backtick or link would otherwise show as raw punctuation that jumps when its end arrives.

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

// True when the text ends inside a fenced code block (marked shows that as code already).
function inFence(text) {
  let fence = null;
  for (const line of text.split("\n")) {
    const f = FENCE.exec(line);
    if (!f) continue;
    if (!fence) fence = f[1];
    else if (f[1][0] === fence[0] && f[1].length >= fence.length && line.trim() === f[1]) fence = null;
  }
  return !!fence;
}

/** The last paragraph of a streaming answer completed: open code, strong and links closed, partial tags held. */
export function closeTail(text) {
  // A tag still arriving (`<thi`, `</butt`, `<br`) waits for the delta that completes it.
  const src = String(text || "").replace(/<\/?(?:[a-z][^<>\n]{0,80})?$/i, "");
  if (!src || inFence(src)) return src;
  const cut = src.lastIndexOf("\n\n") + 1;
  const head = src.slice(0, cut);
  let tail = src.slice(cut);
  // A link still arriving: `[label](partial` shows its label as a link, `[label` shows the label.
  tail = tail.replace(/\[([^\]\n[]*)\]\([^)\s]*$/, "[$1]()").replace(/(^|[^\\!\]])\[([^\]\n[]*)$/, "$1$2");
  // Trailing `*` or backticks may be half of a marker: held back until the next delta tells.
  tail = tail.replace(/[*`]+$/, "");
  const ticks = (tail.match(/`/g) || []).length;
  if (ticks % 2 === 1) return `${head}${tail}\``;
  const code = tail.replace(/`[^`]*`/g, "");
  if ((code.match(/\*\*/g) || []).length % 2 === 1) tail = tail.replace(/\s+$/, "") + "**";
  return head + tail;
}
