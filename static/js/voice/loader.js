// Voice controls (docs/voice.md) in the main bundle: only the microphone's place in the composer and
// the loader; recording, transcribing and reading aloud come with the lazy `voice` chunk.
import { h } from "../dom.js";
import { loadChunk } from "../chat/lazy.js";

/** deps: {root, cfg, t, el, view, conv(), token()} */
export function startVoice(deps) {
  const v = deps.cfg.voice;
  if (!v || deps.cfg.preview) return;
  const mic = v.listen
    ? h("button", { type: "button", class: "cs-mic", "aria-label": deps.t("voice.record"), disabled: true })
    : null;
  // Its look comes with the chunk (static/css/lazy/voice.css): shown once both have arrived.
  if (mic) mic.hidden = true;
  if (mic) deps.el.send.before(mic);
  loadChunk(deps.cfg.chunks, "voice").then(
    (m) => {
      if (mic) mic.hidden = false;
      m.start({ ...deps, mic });
    },
    () => mic?.remove(), // no chunk (offline, a deploy in between): the page works without voice
  );
}
