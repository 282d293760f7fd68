// Syntax highlighting of closed code blocks (highlight.js, its common languages), built as DOM from
// highlight.js's token tree: text nodes and <span class="hljs-<scope>">, never an HTML string.
import hljs from "highlight.js/lib/core";
import { bounded } from "../rich/bounded.js";
import { LANGUAGES } from "../rich/languages.js";
import { createSlicer } from "../rich/slices.js";

// Past this, a block is shown plain: highlighting it would hold the main thread too long.
const MAX_CODE = 20000;
const made = bounded(200); // language + code -> highlighted fragment
const slices = createSlicer();
const compiled = new Set(); // languages whose grammar was built
let languages = "none"; // "none", "queued" (registering, slice by slice) or "ready"

function build(node, into) {
  for (const child of node.children) {
    if (typeof child === "string") {
      into.append(child);
      continue;
    }
    const scope = typeof child.scope === "string" ? child.scope.split(".")[0] : "";
    const span = document.createElement("span");
    if (/^[a-z_-]+$/.test(scope)) span.className = `hljs-${scope}`;
    build(child, span);
    into.append(span);
  }
}

function render(language, text) {
  const result = hljs.highlight(text, { language, ignoreIllegals: true });
  const root = result._emitter && result._emitter.rootNode;
  if (!root) return null;
  const frag = document.createDocumentFragment();
  build(root, frag);
  // Only if the tokens hold exactly the code: never show anything else than what was written.
  return frag.textContent === text ? frag : null;
}

function label(code, language) {
  const box = code.closest(".cs-code");
  if (!box || box.querySelector(".cs-code-lang")) return;
  const tag = document.createElement("span");
  tag.className = "cs-code-lang";
  tag.textContent = language;
  box.prepend(tag);
}

function show(code, text, frag) {
  if (frag && code.isConnected && code.textContent === text) {
    code.replaceChildren(frag.cloneNode(true));
    code.classList.add("hljs");
  }
}

/** Highlights each code block not yet done: a block highlighted before at once (a re-rendered
 * streaming block keeps its colours), a new one in a later time slice, so none holds the page long. */
export function highlight(codes) {
  if (languages !== "ready") {
    // Registering a language builds its grammar: spread over slices, the first time round only.
    if (languages === "none") {
      for (const [name, grammar] of LANGUAGES) slices.add(() => hljs.registerLanguage(name, grammar));
      slices.add(() => (languages = "ready"));
      languages = "queued";
    }
    slices.add(() => highlight(codes));
    return slices.idle();
  }
  for (const code of codes) {
    if (!code.isConnected || code.csHighlighted) continue;
    code.csHighlighted = true;
    const named = /(?:^| )language-(\S+)/.exec(code.className)?.[1] || "";
    const language = hljs.getLanguage(named) ? named : "";
    if (named) label(code, hljs.getLanguage(named)?.name || named);
    const text = code.textContent;
    if (!language || text.length > MAX_CODE) continue;
    const key = `${language}\n${text}`;
    const frag = made.get(key);
    if (frag !== undefined) {
      show(code, text, frag);
      continue;
    }
    if (!compiled.has(language)) {
      compiled.add(language);
      // A grammar is built on its language's first use: in a slice of its own, apart from any block.
      slices.add(() => hljs.highlight("", { language, ignoreIllegals: true }));
    }
    slices.add(() => {
      let frag = made.get(key);
      if (frag === undefined) {
        try {
          frag = render(language, text);
        } catch {
          frag = null;
        }
        made.set(key, frag);
      }
      show(code, text, frag);
    });
  }
  return slices.idle();
}
