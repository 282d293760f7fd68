// Voice input and read-aloud (docs/voice.md), loaded by voice/loader.js when the page config offers them.
import { createNote } from "../voice/note.js";
import { createRecorder } from "../voice/recorder.js";
import { createSpeaker } from "../voice/speaker.js";

/** deps: {root, cfg, t, el, view, conv(), token(), mic: the composer's button or null} */
export function start(deps) {
  const note = createNote(deps.el.composer, deps.el.scroll, deps.t);
  const speaker = deps.cfg.voice.speak ? createSpeaker({ ...deps, note }) : null;
  if (deps.mic) createRecorder({ ...deps, note, beforeStart: () => speaker?.stop() });
  // Tests and skins can tell when the voice controls are live.
  deps.root.dataset.csVoice = "ready";
}
