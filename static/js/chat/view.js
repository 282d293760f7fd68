// The message list on screen: one node per message, at most one render per animation frame, the
// scroll that sticks to the bottom, the busy composer, and containment of render failures (the text
// is shown as it is and the page keeps working).
import { setAnswerBusy } from "../answer/actions.js";
import { $, emit, h, show } from "../dom.js";
import { buildNode, renderBot } from "./message.js";
import { stamp, warmStamps } from "./stamp.js";

const STICK_GAP = 48;

/** deps: {el, root, t, lang, cfg, preview, conv(), running(), send(text), form()} */
export function createView(deps) {
  const { el, root, t } = deps;
  const nodes = []; // one <li> per message of the conversation
  const dirty = new Set();
  let frame = 0;
  let stick = true;
  let lastFailure = 0;
  const ctx = { ...deps, plain, send: (q) => deps.send(q) };
  if (deps.cfg.timestamps !== false) warmStamps(deps.lang);

  function failed() {
    // Once a second at most: a hostile answer fails again on every streamed frame.
    if (Date.now() - lastFailure < 1000) return;
    lastFailure = Date.now();
    emit("error", { code: "render_failed", message: t("renderFailed") });
  }

  function plain(box, text, render) {
    try {
      render();
    } catch {
      if (box) box.replaceChildren(h("p", { class: "cs-md-plain", dir: "auto", text: String(text ?? "") }));
      failed();
    }
  }

  function renderMessage(i) {
    const conv = deps.conv();
    const m = conv.messages[i];
    if (!m) return;
    if (!nodes[i]) {
      nodes[i] = buildNode(m, ctx);
      el.log.append(nodes[i]);
    }
    if (m.role === "bot")
      plain($("[data-cs-answer]", nodes[i]), m.text, () => renderBot(nodes[i], m, i === conv.messages.length - 1, ctx));
    if (deps.cfg.timestamps !== false) stamp(nodes[i], m, deps.lang);
  }

  function renderAll() {
    const conv = deps.conv();
    el.log.replaceChildren();
    nodes.length = 0;
    conv.messages.forEach((_, i) => renderMessage(i));
    const empty = conv.messages.length === 0;
    const form = deps.form();
    show(el.empty, empty);
    show(el.inputsForm, empty && form.size > 0);
    form.set(conv.inputs);
    stick = true;
    // A new chat opens at its welcome (on a phone the empty state is taller than the screen); a chat at its end.
    if (empty) el.scroll.scrollTop = 0;
    else scrollDown();
  }

  function schedule(i) {
    dirty.add(i);
    if (!frame) frame = requestAnimationFrame(flush);
  }

  // At most one render per animation frame, however many deltas arrived in between.
  function flush() {
    frame = 0;
    for (const i of dirty) renderMessage(i);
    dirty.clear();
    if (stick) scrollDown();
  }

  function scrollDown() {
    el.scroll.scrollTop = el.scroll.scrollHeight;
    show(el.jump, false);
  }

  // What is announced: the answer without its reasoning blocks.
  function answerText(index) {
    const answer = nodes[index] && $("[data-cs-answer]", nodes[index]);
    if (!answer) return "";
    return [...answer.children]
      .filter((c) => !c.classList.contains("cs-think"))
      .map((c) => c.textContent)
      .join("");
  }

  el.scroll.addEventListener(
    "scroll",
    () => {
      const gap = el.scroll.scrollHeight - el.scroll.scrollTop - el.scroll.clientHeight;
      stick = gap < STICK_GAP;
      show(el.jump, !stick && deps.conv().messages.length > 0);
    },
    { passive: true },
  );

  return {
    nodes,
    renderAll,
    schedule,
    plain,
    failed,
    // A question and its (empty) answer were appended; the previous answer loses its Regenerate button.
    appended(index, prevLast) {
      show(el.empty, false);
      show(el.inputsForm, false);
      if (deps.conv().messages[prevLast]?.role === "bot") schedule(prevLast);
      stick = true;
      renderMessage(index - 1);
      renderMessage(index);
      scrollDown();
    },
    finished(index) {
      dirty.delete(index);
      renderMessage(index);
      if (stick) scrollDown();
    },
    dropFrom(index) {
      for (const n of nodes.splice(index)) {
        if (n.csDivider) n.csDivider.remove();
        n.remove();
      }
    },
    jump() {
      stick = true;
      scrollDown();
    },
    busy(on) {
      show(el.send, !on);
      show(el.stop, on);
      root.classList.toggle("cs-streaming", on);
      setAnswerBusy(on);
      if (on && document.activeElement === el.send) el.stop.focus();
      if (!on && document.activeElement === el.stop) el.input.focus();
    },
    announce(text) {
      el.live.textContent = "";
      setTimeout(() => (el.live.textContent = text), 60);
    },
    answerText,
    indexOf: (li) => nodes.indexOf(li),
  };
}
