// Maths, highlighted code and diagrams in answers. This part is in the main bundle and stays small: it
// finds what a finished block needs and loads the chunk that does it (static/js/lazy/{maths,highlight,
// diagrams}.js). Whatever a chunk makes from an answer's text enters the page only through purify().
import DOMPurify from "dompurify";
import { loadChunk } from "../chat/lazy.js";

const DIAGRAM = /language-(mermaid|echarts|svg)\b/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/gm;

// The page's one sanitizer, with the profile a chunk asks for (MathML, SVG); returns a fragment.
const purify = (input, profile) => DOMPurify.sanitize(input, { ...profile, RETURN_DOM_FRAGMENT: true });

/** After each render of an answer (ctx: {cfg, t}): every block whose text is final gets maths,
 * highlighting and diagrams; a chunk that fails to load leaves the text as it is. */
export function enhance(answer, streaming, { cfg, t }) {
  const env = { t, purify };
  const use = (name, run) => loadChunk(cfg.chunks, name, "rich").then(run, () => {});
  const parts = answer.children;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.csRich === part.csSource) continue;
    const final = !streaming || i < parts.length - 1;
    if (final) part.csRich = part.csSource;
    const maths = part.querySelectorAll("code.cs-math");
    if (maths.length) use("maths", (m) => m.typeset(maths, env));
    // While a block streams, only its closed fences are final (an open one is always the last).
    const codes = [...part.querySelectorAll("pre > code")];
    const closed = final ? codes.length : (String(part.csSource).match(FENCE) || []).length >> 1;
    const ready = codes.slice(0, closed);
    const plain = ready.filter((c) => !DIAGRAM.test(c.className));
    if (plain.length) use("highlight", (m) => m.highlight(plain, env));
    const diagrams = ready.filter((c) => DIAGRAM.test(c.className));
    if (final && diagrams.length) use("diagrams", (m) => m.draw(diagrams, env));
  }
}
