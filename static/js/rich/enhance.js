// Maths, highlighted code and diagrams in answers. The page bundle only notices an answer that may have
// them and loads the `rich` chunk (static/js/lazy/rich.js), which finds what each block needs and loads
// the chunk that does it. Whatever a chunk makes from an answer's text enters the page only through purify().
import DOMPurify from "dompurify";
import { loadChunk } from "../chat/lazy.js";

// The page's one sanitizer, with the profile a chunk asks for (MathML, SVG); returns a fragment.
const purify = (input, profile) => DOMPurify.sanitize(input, { ...profile, RETURN_DOM_FRAGMENT: true });

/** After each render of an answer (ctx: {cfg, t}); a chunk that fails to load leaves the text as it is. */
export function enhance(answer, streaming, { cfg, t }) {
  if (!answer.querySelector("code.cs-math, pre > code")) return;
  const load = (name) => loadChunk(cfg.chunks, name, "rich");
  load("rich").then(
    (m) => m.enhance(answer, streaming, { t, purify, load }),
    () => {},
  );
}
