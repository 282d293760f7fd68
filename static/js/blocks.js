// Splits markdown into parts at blank lines outside code fences. Boundaries depend only on the
// text before them, so while an answer grows only the last part changes and needs re-rendering.
// A part without blank lines is also cut after `maxLines` lines (never inside a fence, and inside a
// table only after `maxLines * 5`): marked's cost grows faster than linearly with a block's size.

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

export function splitBlocks(text, min = 1500, maxLines = 200) {
  const out = [];
  let start = 0;
  let pos = 0;
  let fence = null;
  let lines = 0;
  while (pos < text.length) {
    const nl = text.indexOf("\n", pos);
    if (nl < 0) break;
    const line = text.slice(pos, nl);
    const f = FENCE.exec(line);
    if (f) {
      if (!fence) fence = f[1];
      else if (f[1][0] === fence[0] && f[1].length >= fence.length && line.trim() === f[1]) fence = null;
    }
    pos = nl + 1;
    lines++;
    // Cut only when the next line is known and is not indented (an indented line may continue a list).
    const blank =
      !fence && line.trim() === "" && pos - start >= min && pos < text.length && !/[ \t\r\n]/.test(text[pos]);
    const long = !fence && pos < text.length && (lines >= maxLines * 5 || (lines >= maxLines && text[pos] !== "|"));
    if (blank || long) {
      out.push(text.slice(start, pos));
      start = pos;
      lines = 0;
    }
  }
  out.push(text.slice(start));
  return out;
}
