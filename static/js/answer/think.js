// Reasoning in an answer: `<think>…</think>` (reasoning models) and Dify's own `<details data-think>`
// form, split out of the text so each renders as its own collapsible block. Pure: no DOM here.

const OPEN = /<think\s*>|<details\b[^>]*\bdata-think\b[^>]*>/i;
const CLOSE = { think: /<\/think\s*>/i, details: /<\/details\s*>/i };
const FLAG = /\[ENDTHINKFLAG\]/g;

/**
 * The answer as segments: {think: false, text} for the answer itself, {think: true, text, closed} for
 * reasoning; an unclosed block runs to the end. (A tag cut off at a streaming end: answer/tail.js.)
 */
export function splitThink(text) {
  const out = [];
  let rest = String(text || "");
  while (rest) {
    const open = OPEN.exec(rest);
    if (!open) {
      out.push({ think: false, text: rest });
      break;
    }
    if (open.index > 0) out.push({ think: false, text: rest.slice(0, open.index) });
    const after = rest.slice(open.index + open[0].length);
    const close = CLOSE[/^<think/i.test(open[0]) ? "think" : "details"].exec(after);
    const body = close ? after.slice(0, close.index) : after;
    out.push({ think: true, text: body.replace(FLAG, "").trim(), closed: !!close });
    rest = close ? after.slice(close.index + close[0].length).replace(/^\s+/, "") : "";
  }
  return out.filter((s) => s.think || s.text);
}

const OPENS = new RegExp(OPEN.source, "gi");

/**
 * True when `text` opens no reasoning block. `known` is an earlier text that opened none: when text
 * extends it, only what follows known's last ">" is searched (a tag holds no ">" before its end).
 */
export function opensNoThink(text, known = null) {
  text = String(text || "");
  OPENS.lastIndex = known != null && text.startsWith(known) ? known.lastIndexOf(">") + 1 : 0;
  return !OPENS.test(text);
}

/** The answer without its reasoning (what Copy and the screen reader get). */
export function withoutThink(text) {
  return splitThink(text)
    .filter((s) => !s.think)
    .map((s) => s.text)
    .join("");
}

// Every tag ends with ">": only a delta with one can open or close a block. Reading the text itself
// (even a slice of it) flattens the growing string, which per delta would cost O(n²) on a long answer.
const NEAR = /<think|data-think|<\/think|<\/details/i;

/**
 * Timings of the answer's reasoning blocks, [{start, end, done}] in ms, brought up to date after a
 * delta: a block starts when its tag appears, its end follows the deltas until it closes.
 */
export function trackThinks(times, text, delta, now) {
  const list = Array.isArray(times) ? times : [];
  const open = list.some((x) => !x.done);
  delta = String(delta);
  if (!delta.includes(">")) return open ? list.map((x) => (x.done ? x : { ...x, end: now })) : times;
  if (!open && !NEAR.test(String(text).slice(-(delta.length + 24)))) return times;
  const blocks = splitThink(text).filter((s) => s.think);
  if (!blocks.length) return times;
  return blocks.map((b, i) => {
    const t = list[i];
    if (t && t.done) return t;
    const start = t ? t.start : now;
    return { start, end: now, done: b.closed };
  });
}

/** Every block ends: the answer finished, failed or was stopped. */
export function settleThinks(times, now) {
  if (!Array.isArray(times) || times.every((x) => x.done)) return times;
  return times.map((x) => (x.done ? x : { start: x.start, end: now, done: true }));
}

/** Seconds of one block to show: a running block counts to `now`, any other to its last delta. */
export function thinkSeconds(time, now, running = false) {
  if (!time) return 0;
  const end = running && !time.done ? Math.max(time.end, now) : time.end;
  return Math.max(0, end - time.start) / 1000;
}
