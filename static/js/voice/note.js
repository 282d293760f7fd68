// The voice state line above the composer: a polite live region, so screen readers hear each state
// (recording, transcribing, denied, no microphone, too long, failed...). Text only.
import { h } from "../dom.js";

const TRANSIENT_MS = 6000;

// Within this many pixels of the end, the conversation stays scrolled to its end when the line appears.
const STICK_GAP = 48;

export function createNote(composer, scroller, t) {
  const p = h("p", { class: "cs-voice-note", role: "status", "data-cs-voice-note": "", hidden: true });
  composer.before(p);
  let timer = 0;
  return {
    /** kind: "info" (stays), "done" (fades after a few seconds) or "error" (stays until the next action). */
    set(key, kind = "info") {
      clearTimeout(timer);
      p.textContent = t(key);
      p.dataset.key = key;
      p.dataset.kind = kind;
      const gap = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
      p.hidden = false;
      if (gap < STICK_GAP) scroller.scrollTop = scroller.scrollHeight;
      if (kind === "done") timer = setTimeout(() => this.clear(), TRANSIENT_MS);
    },
    clear() {
      clearTimeout(timer);
      p.hidden = true;
      p.textContent = "";
      delete p.dataset.key;
    },
  };
}
