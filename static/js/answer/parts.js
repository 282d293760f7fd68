// A growing answer cut into parts (blocks.js) with its element count (tame.js), reusing what the
// previous call found for the text it extends: per delta the work follows the open tail, not the
// whole answer. The result equals a fresh splitBlocks() and overBudget() of the text. Pure.
import { splitBlocks } from "../blocks.js";
import { ELEMENT_BUDGET, elementCount } from "../tame.js";

/** {parts, counts, over} of `text` (parts as splitBlocks, over as overBudget); `prev`: an earlier result. */
export function answerParts(text, prev = null) {
  const old = prev ? prev.parts : [];
  let at = 0;
  let kept = 0;
  // A cut depends only on the text since the previous cut and on the character after it: a closed
  // part stays while the text still holds it and that character.
  while (kept < old.length - 1 && text.startsWith(old[kept], at) && text[at + old[kept].length] === old[kept + 1][0])
    at += old[kept++].length;
  const parts = old.slice(0, kept).concat(splitBlocks(text.slice(at)));
  const counts = parts.map((part, i) => (i < kept ? prev.counts[i] : elementCount(part)));
  // Every part but the last ends with a newline: its empty last line is not one of the whole text.
  return { parts, counts, over: counts.reduce((sum, n) => sum + n - 1, 1) > ELEMENT_BUDGET };
}
