// LaTeX to MathML (temml), for the answer's maths placeholders (<code class="cs-math">). Nothing is
// trusted: no \href or \url links, macros bounded, and the MathML is sanitized before it is shown.
import temml from "temml";
import { bounded } from "../rich/bounded.js";
import { createSlicer } from "../rich/slices.js";

// What survives of temml's output: MathML elements, the LaTeX as annotation; no ids, classes, styles, links.
const PROFILE = {
  USE_PROFILES: { mathMl: true },
  ADD_TAGS: ["semantics", "annotation"],
  FORBID_ATTR: ["id", "class", "style", "href", "xlink:href"],
};
const OPTIONS = { annotate: true, throwOnError: true, trust: false, maxSize: 20, maxExpand: 500, strict: false };
const made = bounded(300); // "I"/"D" + LaTeX -> sanitized <math>, or null when it does not parse
const slices = createSlicer();

function render(tex, display, purify) {
  const holder = document.createElement("span");
  try {
    temml.render(tex, holder, { ...OPTIONS, displayMode: display });
  } catch {
    return null; // the LaTeX stays shown as it was written
  }
  // Colours arrive as inline styles, which the page's CSP would refuse: keep them as MathML attributes.
  for (const el of holder.querySelectorAll("[style]")) {
    if (el.style.color) el.setAttribute("mathcolor", el.style.color);
    el.removeAttribute("style");
  }
  const math = purify(holder, PROFILE).querySelector("math");
  if (!math) return null;
  math.setAttribute("display", display ? "block" : "inline");
  return math;
}

function show(code, math) {
  if (math) code.replaceWith(math.cloneNode(true));
  else code.classList.add("cs-math-failed");
}

/** Replaces each placeholder still in the page by its MathML: a formula already made at once (a
 * re-rendered streaming block keeps its maths), a new one in a later time slice. */
export function typeset(codes, { purify }) {
  for (const code of codes) {
    if (!code.isConnected || !code.classList.contains("cs-math")) continue;
    const display = code.classList.contains("cs-math-display");
    const tex = code.textContent;
    const key = (display ? "D" : "I") + tex;
    const math = made.get(key);
    if (math !== undefined) {
      show(code, math);
      continue;
    }
    slices.add(() => {
      let math = made.get(key);
      // Made even when its block was re-rendered meanwhile: the next render of it finds it ready.
      if (math === undefined) made.set(key, (math = render(tex, display, purify)));
      if (code.isConnected && code.classList.contains("cs-math")) show(code, math);
    });
  }
  return slices.idle();
}
