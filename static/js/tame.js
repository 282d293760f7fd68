// Bounds on what the markdown parser is given, so a hostile answer cannot stall the page.
// marked recurses once per nesting level (a few thousand `>` overflow the stack) and is quadratic
// on long runs of inline delimiters, so both are bounded before parsing.
export const MAX_DEPTH = 16;
const MAX_INDENT = 40;
// Inline delimiters whose handling in marked costs more than linear time when there are many.
const COSTLY = /[*_~`[\]!<\\]/g;
export const MAX_COSTLY = 600;
// Characters of markup (outside code fences) parsed as one unit; longer parts read as plain text.
export const MAX_MARKUP = 12000;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const MARKER = /^[ \t]*(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))[ \t]?/;

// A line whose container prefix (blockquote and list markers, indentation) nests deeper than
// MAX_DEPTH keeps its first MAX_DEPTH levels; the rest of the line reads as escaped text.
function capLine(line) {
  let rest = line;
  let depth = 0;
  let m;
  while ((m = MARKER.exec(rest))) {
    if (++depth > MAX_DEPTH) {
      const kept = line.slice(0, line.length - rest.length);
      const lead = /^[ \t]*/.exec(rest)[0];
      return kept + lead + "\\" + rest.slice(lead.length);
    }
    rest = rest.slice(m[0].length);
  }
  const indent = /^[ \t]*/.exec(line)[0];
  return indent.length > MAX_INDENT ? " ".repeat(MAX_INDENT) + line.slice(indent.length) : line;
}

// Text made safe to parse in bounded time, or null when it should be shown as plain text.
export function tame(text) {
  const lines = String(text).split("\n");
  let fence = null;
  let costly = 0;
  let markup = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const f = FENCE.exec(line);
    if (f) {
      if (!fence) fence = f[1];
      else if (f[1][0] === fence[0] && f[1].length >= fence.length && line.trim() === f[1]) fence = null;
      continue;
    }
    if (fence) continue; // code is not parsed for markup
    costly += (line.match(COSTLY) || []).length;
    markup += line.length + 1;
    if (costly > MAX_COSTLY || markup > MAX_MARKUP) return null;
    lines[i] = capLine(line);
  }
  return lines.join("\n");
}

// A rough upper bound of the elements markdown would make of the text (lines outside code, table
// cells, inline delimiters): past ELEMENT_BUDGET the whole text is shown plainly, because building
// and laying out that many elements costs more than a frame, however the text is split.
export const ELEMENT_BUDGET = 1000;
export function overBudget(text) {
  return elementCount(text, ELEMENT_BUDGET) > ELEMENT_BUDGET;
}

/** The count overBudget() compares with the budget; it stops counting once past `limit`. */
export function elementCount(text, limit = Infinity) {
  let count = 0;
  let fence = null;
  for (const line of String(text).split("\n")) {
    const f = FENCE.exec(line);
    if (f) {
      if (!fence) fence = f[1];
      else if (f[1][0] === fence[0] && f[1].length >= fence.length && line.trim() === f[1]) fence = null;
      count += 3; // a code block: wrapper, pre and copy button
    } else if (!fence) count += 1 + (line.match(/[|*_~`[!<]/g) || []).length;
    if (count > limit) break;
  }
  return count;
}
