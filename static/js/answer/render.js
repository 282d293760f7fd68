// An answer on screen: its reasoning blocks (collapsible, timed) and its markdown, re-rendering only
// what changed while it streams. The markdown itself goes through markdown.js, the one HTML path.
import { h } from "../dom.js";
import { renderAnswer } from "../markdown.js";
import { opensNoThink, splitThink, thinkSeconds } from "./think.js";

let labels = { t: (k, v) => `${k} ${v ? v.time : ""}`, lang: "en" };
export function setThinkLabels(t, lang) {
  labels = { t, lang };
}

function seconds(n) {
  try {
    return new Intl.NumberFormat(labels.lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n);
  } catch {
    return n.toFixed(1);
  }
}

function label(box) {
  const { time, running } = box.csThink;
  const s = seconds(thinkSeconds(time, Date.now(), running));
  return labels.t(running ? "answer.thinking" : "answer.thought", { time: s });
}

/** Renders answer `text` into `el`; m: {streaming, thinks: [{start, end, done}]} of the message. */
export function renderReply(el, text, m = {}) {
  const streaming = !!m.streaming;
  text = String(text || "");
  // Most answers reason nowhere: a growing one is searched for a tag only where it grew.
  const plain = opensNoThink(text, el.csNoThink);
  el.csNoThink = plain ? text : null;
  if (plain) {
    if (el.csSegs) el.replaceChildren();
    el.csSegs = false;
    return renderAnswer(el, text, streaming);
  }
  const segs = splitThink(text);
  if (!el.csSegs) {
    el.replaceChildren();
    el.csPlain = null;
  }
  el.csSegs = true;
  const kids = el.children;
  const times = Array.isArray(m.thinks) ? m.thinks : [];
  let n = 0;
  segs.forEach((seg, i) => {
    let box = kids[i];
    if (box && box.csKind !== seg.think) {
      while (kids.length > i) el.lastElementChild.remove();
      box = null;
    }
    const last = i === segs.length - 1;
    if (!seg.think) {
      if (!box) el.append((box = h("div", { class: "cs-md-seg" })));
      box.csKind = false;
      renderAnswer(box, seg.text, streaming && last);
      return;
    }
    const running = streaming && !seg.closed;
    if (!box) {
      const summary = h("summary", { class: "cs-think-label" });
      const body = h("div", { class: "cs-think-body", dir: "auto" });
      box = h("details", { class: "cs-think" }, summary, body);
      box.csKind = true;
      box.open = running; // open while it streams; a finished one (or one from storage) starts collapsed
      el.append(box);
    }
    const was = box.csThink && box.csThink.running;
    box.csThink = { time: times[n++] || null, running };
    if (was && !running) box.open = false; // reasoning over: it folds away
    box.firstElementChild.textContent = label(box);
    tick(box);
    renderAnswer(box.lastElementChild, seg.text, running);
  });
  while (kids.length > segs.length) el.lastElementChild.remove();
}

// The running timer: the label alone changes, ten times a second, until the block ends.
function tick(box) {
  if (box.csThink.running && !box.csTimer) {
    box.csTimer = setInterval(() => {
      if (!box.isConnected || !box.csThink.running) {
        clearInterval(box.csTimer);
        box.csTimer = 0;
        return;
      }
      box.firstElementChild.textContent = label(box);
    }, 100);
  }
}
