// Thumbs up and down under every finished answer (the `feedback` setting). A thumbs down is stored at
// once and opens one short, optional reason field (Enter sends it, Escape skips it); a reason sent
// replaces the vote without one. Each stored vote is announced as `chatskins:feedback`, which the
// embed bridge forwards to the host page. The vote is kept on the message, so it survives a reload.
import { h } from "../dom.js";

const SVG = "http://www.w3.org/2000/svg";
const THUMB = "M2 10h4v11H2zM8 21h9.5a2 2 0 0 0 2-1.6l1.4-7A2 2 0 0 0 19 10h-5l.8-4.2a2 2 0 0 0-2-2.3L8 10z";
const KEEP = 500; // characters of the question and the answer sent along (the server keeps as many)
const MAX_REASON = 300;
const THANKS_MS = 4000;

function thumb() {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", THUMB);
  svg.append(path);
  return svg;
}

/** The question an answer replies to: the nearest visitor message before it. */
export function questionFor(messages, index) {
  for (let i = index - 1; i >= 0; i--) if (messages[i]?.role === "user") return messages[i].text || "";
  return "";
}

/** The JSON body of one vote. */
export function voteBody(conv, index, vote, reason = "") {
  const m = conv.messages[index];
  const body = {
    conversation_id: m.conversationId || conv.conversationId,
    message_id: m.messageId,
    vote,
    question: questionFor(conv.messages, index).slice(0, KEEP),
    answer: String(m.text || "").slice(0, KEEP),
  };
  if (vote === "down" && reason) body.reason = reason.slice(0, MAX_REASON);
  return body;
}

/** deps: {log, cfg, t, conv(), indexOf(li), save(conv), token(), emit(name, detail)} */
export function attach(deps) {
  const { log, t } = deps;
  const url = deps.cfg.urls?.feedback || "feedback";

  async function post(body) {
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    const token = deps.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await fetch(url, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
    if (!res.ok) throw new Error(`feedback ${res.status}`);
  }

  function build(li) {
    const say = h("span", { class: "cs-fb-status", role: "status" });
    const button = (vote) =>
      h(
        "button",
        { type: "button", class: `cs-act cs-fb-btn cs-fb-${vote}`, "aria-pressed": "false" },
        thumb(),
        h("span", { class: "cs-fb-label", text: t(`feedback.${vote}`) }),
      );
    const up = button("up");
    const down = button("down");
    const field = h("input", {
      type: "text",
      class: "cs-fb-field",
      maxlength: String(MAX_REASON),
      enterkeyhint: "send",
      "aria-label": t("feedback.reason"),
      placeholder: t("feedback.reason"),
    });
    const form = h(
      "form",
      { class: "cs-fb-reason", hidden: true },
      field,
      h("button", { type: "submit", class: "cs-act cs-fb-send", text: t("feedback.send") }),
    );
    const group = h("span", { class: "cs-fb", role: "group", "aria-label": t("feedback.label") }, up, down, say);
    const box = { li, up, down, form, field, say, group, timer: 0 };
    up.addEventListener("click", () => vote(box, "up"));
    down.addEventListener("click", () => vote(box, "down"));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const reason = field.value.trim();
      closeReason(box);
      if (reason) vote(box, "down", reason);
    });
    field.addEventListener("keydown", (e) => {
      // Escape skips the reason (the vote is already stored) and must not also close the chat.
      if (e.key === "Escape") {
        e.preventDefault();
        closeReason(box);
      }
    });
    return box;
  }

  function closeReason(box) {
    box.form.hidden = true;
    box.down.focus();
  }

  function status(box, key) {
    clearTimeout(box.timer);
    box.say.textContent = key ? t(key) : "";
    if (key) box.timer = setTimeout(() => (box.say.textContent = ""), THANKS_MS);
  }

  function paint(box, vote) {
    box.up.setAttribute("aria-pressed", String(vote === "up"));
    box.down.setAttribute("aria-pressed", String(vote === "down"));
  }

  async function vote(box, choice, reason = "") {
    const conv = deps.conv();
    const index = deps.indexOf(box.li);
    const m = conv.messages[index];
    if (!m || !m.messageId) return;
    const before = m.feedback || null;
    box.pending = choice; // shown while the vote travels; a re-render meanwhile must not undo it
    paint(box, choice);
    status(box, null);
    if (choice === "down" && !reason) {
      box.field.value = "";
      box.form.hidden = false;
      box.field.focus();
      box.form.scrollIntoView({ block: "nearest" });
    } else if (choice === "up") box.form.hidden = true;
    const body = voteBody(conv, index, choice, reason);
    try {
      await post(body);
    } catch {
      box.pending = null;
      if (deps.conv() === conv) paint(box, before);
      status(box, "feedback.failed");
      return;
    }
    box.pending = null;
    m.feedback = choice;
    deps.save(conv);
    if (choice === "up" || reason) status(box, "feedback.thanks");
    deps.emit("feedback", {
      vote: choice,
      reason: body.reason || "",
      messageId: body.message_id,
      conversationId: body.conversation_id,
    });
  }

  function decorate(li) {
    const index = deps.indexOf(li);
    const conv = deps.conv();
    const m = conv.messages[index];
    const ok = m && m.role === "bot" && m.done && !m.streaming && !m.error && m.messageId && m.text;
    if (!ok) {
      if (li.csFeedback) li.csFeedback.group.hidden = true;
      return;
    }
    let box = li.csFeedback;
    if (!box) {
      box = li.csFeedback = build(li);
      const actions = li.querySelector("[data-cs-actions]");
      actions.append(box.group);
      actions.after(box.form);
    }
    box.group.hidden = false;
    paint(box, box.pending || m.feedback);
  }

  let queued = false;
  const sync = () => {
    queued = false;
    for (const li of log.querySelectorAll(".cs-msg-bot")) decorate(li);
  };
  // Answers are (re)rendered by the view; decorating after each render keeps this chunk out of it.
  new MutationObserver(() => {
    if (!queued) {
      queued = true;
      queueMicrotask(sync);
    }
  }).observe(log, { childList: true, subtree: true, attributes: true, attributeFilter: ["aria-busy"] });
  sync();
}
