// The speaker button on every answer: reads it aloud with the workspace's TTS model (`speak`, played
// from a blob in the page's one <audio> element) or, without a model, the browser's own voice; a second
// press stops. With `auto`, each completed answer is read where the browser allows autoplay; where it
// does not, the button stays the way to hear it.
import { h } from "../dom.js";
import { post } from "./api.js";
import { icon, SPEAKER, STOP } from "./icons.js";

// The browser's own voice stops on some engines after a long utterance: it gets shorter pieces.
const BROWSER_PIECE = 220;

/** Markdown cut into parts of at most `max` characters: at paragraph breaks, else sentences, else words. */
export function splitText(text, max) {
  const parts = [];
  let current = "";
  const push = (piece, sep) => {
    if (!piece) return;
    if (current && current.length + sep.length + piece.length <= max) current += sep + piece;
    else {
      if (current) parts.push(current);
      current = piece;
    }
  };
  for (const para of String(text).split(/\n{2,}/)) {
    if (para.length <= max) {
      push(para.trim(), "\n\n");
      continue;
    }
    for (const sentence of para.match(/[^.!?。！？]+[.!?。！？]*\s*/g) || [para]) {
      let rest = sentence.trim();
      while (rest.length > max) {
        const cut = rest.lastIndexOf(" ", max) > max / 2 ? rest.lastIndexOf(" ", max) : max;
        push(rest.slice(0, cut).trim(), " ");
        rest = rest.slice(cut).trim();
      }
      push(rest, " ");
    }
  }
  if (current) parts.push(current);
  return parts;
}

/** What the browser's voice reads of a rendered answer: its words, without code, images or buttons. */
export function visibleWords(answer) {
  const copy = answer.cloneNode(true);
  for (const el of copy.querySelectorAll("pre, img, svg, button, script, style, [aria-hidden='true']")) el.remove();
  return copy.textContent.replace(/\s+/g, " ").trim();
}

/** deps: {root, cfg, t, el, view, conv(), token(), note} */
export function createSpeaker({ root, cfg, t, el, view, conv, token, note }) {
  const v = cfg.voice;
  const browser = v.speak === "browser";
  if (browser && !("speechSynthesis" in window)) return { stop() {} };
  const audio = h("audio", { class: "cs-voice-audio", "data-cs-voice-audio": "", preload: "auto", hidden: true });
  root.append(audio);
  let current = null; // {button, controller, finish()}

  function decorate(li) {
    if (!li.classList?.contains("cs-msg-bot") || li.csSpeak) return;
    const actions = li.querySelector("[data-cs-actions]");
    if (!actions) return;
    const button = h(
      "button",
      { type: "button", class: "cs-act cs-speak", "aria-pressed": "false", "data-cs-voice": "speak" },
      icon(SPEAKER),
      h("span", { text: t("voice.speak") }),
    );
    button.addEventListener("click", () => (current?.button === button ? stop() : play(li)));
    actions.append(button);
    li.csSpeak = button;
  }

  function pressed(button, on) {
    button.setAttribute("aria-pressed", String(on));
    button.title = on ? t("voice.stopSpeaking") : "";
    button.firstChild.replaceWith(icon(on ? STOP : SPEAKER));
  }

  async function play(li, { auto = false } = {}) {
    stop();
    const m = conv().messages[view.indexOf(li)];
    const button = li.csSpeak;
    if (!m?.text || !button) return;
    const session = { button, controller: new AbortController(), finish: () => {} };
    current = session;
    pressed(button, true);
    try {
      if (browser) await speakInBrowser(visibleWords(li.querySelector("[data-cs-answer]")), session);
      else await speakWithModel(m, session);
    } catch (e) {
      const stopped = session.controller.signal.aborted;
      // Autoplay refused: the button is the way to hear it, nothing to report.
      if (!stopped && !(auto && e?.name === "NotAllowedError")) note.set("voice.speakFailed", "error");
    } finally {
      if (current === session) {
        current = null;
        pressed(button, false);
      }
    }
  }

  async function speakWithModel(m, session) {
    const fetchPart = (text) =>
      post(v.urls.speak, JSON.stringify({ text, message_id: m.messageId || undefined }), {
        token: token(),
        contentType: "application/json",
        signal: session.controller.signal,
      })
        .then((res) => res.blob())
        // A part of only code or links has nothing to say: skip it.
        .catch((e) => (e?.code === "text_required" ? null : Promise.reject(e)));
    const parts = splitText(m.text, v.maxChars);
    let next = fetchPart(parts[0]);
    let played = 0;
    for (let i = 0; i < parts.length; i++) {
      const blob = await next;
      // The next part is fetched while this one plays.
      if (i + 1 < parts.length) next = fetchPart(parts[i + 1]);
      if (session.controller.signal.aborted) return;
      if (!blob) continue;
      await playBlob(blob, session);
      played++;
    }
    if (!played) throw new Error("nothing to read");
  }

  async function playBlob(blob, session) {
    const url = URL.createObjectURL(blob);
    try {
      audio.src = url;
      const ended = new Promise((resolve, reject) => {
        session.finish = resolve;
        audio.onended = resolve;
        audio.onerror = () => reject(new Error("media"));
      });
      await audio.play();
      await ended;
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  function speakInBrowser(text, session) {
    const synth = window.speechSynthesis;
    const pieces = splitText(text, BROWSER_PIECE);
    if (!pieces.length) return Promise.reject(new Error("nothing to read"));
    return new Promise((resolve, reject) => {
      session.finish = resolve;
      synth.cancel();
      pieces.forEach((piece, i) => {
        const u = new SpeechSynthesisUtterance(piece);
        u.lang = cfg.lang || "en";
        if (i === pieces.length - 1) u.onend = resolve;
        u.onerror = (e) =>
          e.error === "interrupted" || e.error === "canceled"
            ? resolve()
            : reject(
                Object.assign(new Error(e.error), { name: e.error === "not-allowed" ? "NotAllowedError" : "Error" }),
              );
        synth.speak(u);
      });
    });
  }

  function stop() {
    const session = current;
    if (!session) return;
    current = null;
    session.controller.abort();
    if (browser) window.speechSynthesis.cancel();
    else {
      audio.pause();
      audio.removeAttribute("src");
    }
    session.finish();
    pressed(session.button, false);
  }

  new MutationObserver((records) => {
    for (const r of records) {
      for (const node of r.addedNodes) decorate(node);
      if (current && [...r.removedNodes].some((node) => node.csSpeak === current.button)) stop();
    }
  }).observe(el.log, { childList: true });
  for (const li of el.log.children) decorate(li);

  document.addEventListener("chatskins:conversation", stop);
  if (v.auto) {
    document.addEventListener("chatskins:answer", () => {
      const li = view.nodes[conv().messages.length - 1];
      if (li) play(li, { auto: true });
    });
  }
  return { stop };
}
