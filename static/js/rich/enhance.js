// Maths, highlighted code and diagrams in answers. This part is in the main bundle and stays small: it
// finds what a finished block needs and loads the chunk that does it (static/js/lazy/{maths,highlight,
// diagrams}.js). Whatever a chunk makes from the answer enters the page through purify() below.
import DOMPurify from "dompurify";
import { loadChunk } from "../chat/lazy.js";

const DIAGRAMS = new Set(["mermaid", "echarts", "svg"]);
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
// The sanitizer's profiles for what the chunks make: MathML (the LaTeX kept as its annotation) and SVG
// shown as an image. Neither keeps ids, classes, styles or links.
const PROFILES = {
  math: {
    USE_PROFILES: { mathMl: true },
    ADD_TAGS: ["semantics", "annotation"],
    FORBID_ATTR: ["id", "class", "style", "href", "xlink:href"],
    RETURN_DOM_FRAGMENT: true,
  },
  svg: {
    USE_PROFILES: { svg: true, svgFilters: true },
    FORBID_TAGS: ["a", "foreignObject", "image", "use", "script", "animate", "set"],
    FORBID_ATTR: ["href", "xlink:href"],
    RETURN_DOM_FRAGMENT: true,
  },
};
export function purify(input, profile) {
  return DOMPurify.sanitize(input, PROFILES[profile]);
}

const lang = (code) => /(?:^| )language-(\S+)/.exec(code.className)?.[1].toLowerCase() || "";

// How many code fences of a block's source are closed: only those are final while it streams.
function closedFences(src) {
  let open = null;
  let closed = 0;
  for (const line of String(src || "").split("\n")) {
    const f = FENCE.exec(line);
    if (!f) continue;
    if (!open) open = f[1];
    else if (f[1][0] === open[0] && f[1].length >= open.length && line.trim() === f[1]) {
      open = null;
      closed++;
    }
  }
  return closed;
}

/** After each render of an answer (ctx: {cfg, t}): every block whose text is final gets maths,
 * highlighting and diagrams; a chunk that fails to load leaves the text as it is. */
export function enhance(answer, streaming, { cfg, t }) {
  const env = { t, purify };
  const use = (name, run) => loadChunk(cfg.chunks, name).then(run, () => {});
  const parts = answer.children;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.csRich === part.csSource) continue;
    const final = !streaming || i < parts.length - 1;
    if (final) part.csRich = part.csSource;
    const maths = part.querySelectorAll("code.cs-math");
    if (maths.length) use("maths", (m) => m.typeset(maths, env));
    const codes = [...part.querySelectorAll("pre > code")];
    // While a block streams, its closed fences are final; the open one (always the last) is not.
    const ready = final ? codes.length : Math.min(codes.length, closedFences(part.csSource));
    const plain = [];
    const diagrams = [];
    for (const code of codes.slice(0, ready)) (DIAGRAMS.has(lang(code)) ? diagrams : plain).push(code);
    if (plain.length) use("highlight", (m) => m.highlight(plain, env));
    if (diagrams.length && final) use("diagrams", (m) => m.draw(diagrams, env));
  }
}
