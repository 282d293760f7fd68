// The ONE path by which HTML reaches the page: markdown -> marked -> DOMPurify (Trusted Types) -> DOM.
// Every other bit of text on the page is set with textContent.
import { Marked, Renderer } from "marked";
import DOMPurify from "dompurify";
import { answerParts } from "./answer/parts.js";
import { checkURL, imageHostAllowed } from "./answer-urls.js";
import { overBudget, tame } from "./tame.js";
import { enhanceAnswer } from "./answer/actions.js";
import { glueInlineCode } from "./answer/glue.js";
import { closeTail } from "./answer/tail.js";
import { h } from "./dom.js";
import { mathsSyntax } from "./rich/maths-syntax.js";

export { checkURL, imageHostAllowed, setImageHosts } from "./answer-urls.js";

export { ELEMENT_BUDGET, MAX_COSTLY, MAX_DEPTH, MAX_MARKUP, overBudget, tame } from "./tame.js";

const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHTML = (s) => String(s).replace(/[&<>"']/g, (c) => ESC[c]);
const defaultText = Renderer.prototype.text;

// The inline HTML Dify apps use (issue 13) passes as markup; every other tag stays visible as text.
// The sanitizer below still decides which attributes survive (none that script or style).
const HTML_TAGS = new Set(
  "br details summary sub sup kbd mark u s img a abbr button form label input textarea select option".split(" "),
);
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/g;
export function htmlPiece(text) {
  let out = "";
  let at = 0;
  for (const m of String(text).matchAll(TAG)) {
    if (!HTML_TAGS.has(m[2].toLowerCase())) continue;
    out += escapeHTML(text.slice(at, m.index)) + m[0];
    at = m.index + m[0].length;
  }
  return out + escapeHTML(text.slice(at));
}

// Raw HTML inside an answer is shown as text, never interpreted; the sanitizer is the second wall.
const MARKED_OPTIONS = {
  gfm: true,
  breaks: true,
  tokenizer: {
    // marked's own `tag` switches to a "raw" state after <pre>, <code>, <kbd> or <script> in which it
    // stops escaping text: the same token without that state change.
    tag(src) {
      const cap = src.charCodeAt(0) === 60 ? this.rules.inline.tag.exec(src) : null;
      return cap
        ? { type: "html", raw: cap[0], text: cap[0], inLink: false, inRawBlock: false, block: false }
        : undefined;
    },
  },
  renderer: {
    html: ({ text }) => htmlPiece(text),
    // Whatever state the lexer was in, a text token leaves here escaped.
    text(token) {
      return defaultText.call(this, token.escaped ? { ...token, escaped: false } : token);
    },
    // Task lists as text: no form controls in answers.
    checkbox: ({ checked }) => (checked ? "☑ " : "☐ "),
  },
};
const marked = new Marked(MARKED_OPTIONS);
// Extensions make marked try them at every token: only text that could hold maths pays for the maths one.
const markedWithMaths = new Marked(MARKED_OPTIONS, mathsSyntax);
const MATHS_MARK = /[$\\]/;

function plainHTML(text) {
  return `<p>${escapeHTML(text).replace(/\n/g, "<br>")}</p>`;
}

export function markdownToHTML(text) {
  const src = String(text || "");
  const tamed = tame(src);
  if (tamed === null) return plainHTML(src);
  return (MATHS_MARK.test(tamed) ? markedWithMaths : marked).parse(tamed, { async: false });
}

// --- sanitizer ---------------------------------------------------------------------------------
// Exactly what the renderer above emits; anything else is dropped with its content kept as text.
const TAGS = [
  "p",
  "br",
  "hr",
  "strong",
  "em",
  "del",
  "code",
  "pre",
  "blockquote",
  "ul",
  "ol",
  "li",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "a",
  "img",
  // Issue 13: inline HTML and the interactive parts of Dify's answers.
  ...HTML_TAGS,
];
const ATTRS = ["href", "title", "src", "alt", "start", "align", "open", "class"];
// Attributes only form parts and answer buttons keep (read by answer/actions.js and lazy/forms.js).
const PART_ATTRS = {
  BUTTON: ["data-message", "data-variant", "data-link", "data-size"],
  FORM: ["data-format"],
  INPUT: ["name", "type", "value", "placeholder", "checked", "data-tip", "data-options"],
  TEXTAREA: ["name", "placeholder"],
  SELECT: ["name"],
  OPTION: ["value", "selected"],
  LABEL: ["for"],
};
const ALL_PART_ATTRS = [...new Set(Object.values(PART_ATTRS).flat())];
// Classes only where the renderer puts them: a code block's language, the maths placeholders.
const CODE_CLASS = /^(language-[\w+#.-]{1,40}|cs-math( cs-math-display)?)$/;
// Every attribute that makes a browser fetch or navigate, on any element; checked even if allowed.
const URL_ATTRS = new Set([
  "href",
  "src",
  "srcset",
  "background",
  "poster",
  "action",
  "formaction",
  "cite",
  "xlink:href",
  "data",
  "codebase",
  "longdesc",
  "lowsrc",
  "dynsrc",
  "ping",
  "manifest",
  "icon",
  "profile",
  "usemap",
  "archive",
  "classid",
  "itemtype",
]);

const PURIFY = {
  ALLOWED_TAGS: TAGS,
  ALLOWED_ATTR: [...ATTRS, ...ALL_PART_ATTRS],
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  // The fragment comes from an inert document: nothing in it loads before the checks below ran.
  RETURN_DOM_FRAGMENT: true,
};

let configured = false;
function configure() {
  configured = true;
  DOMPurify.addHook("uponSanitizeAttribute", (node, data) => {
    const name = data.attrName;
    if (ALL_PART_ATTRS.includes(name) && !(PART_ATTRS[node.tagName] || []).includes(name)) data.keepAttr = false;
    // A field's name is kept as a property for lazy/forms.js, never as an attribute: no name in the
    // page can clobber document or form properties (and "name", "title" are ordinary field names).
    else if (name === "name") {
      node.csName = data.attrValue;
      data.keepAttr = false;
    }
    // `abbr:` links send a hidden message, `#name` links scroll within the answer: kept as properties
    // (answer/actions.js), never as a URL.
    if (node.tagName === "A" && name === "href") {
      const href = data.attrValue.trim();
      if (/^abbr:/i.test(href)) node.csSay = decodeSay(href.slice(5));
      else if (/^#[\p{L}\p{N}_-]{1,80}$/u.test(href)) node.csAnchor = href.slice(1);
      if (node.csSay != null || node.csAnchor) data.keepAttr = false;
    }
  });
  DOMPurify.addHook("afterSanitizeAttributes", (node) => {
    if (!node.attributes) return;
    if (node.hasAttribute("class") && !(node.tagName === "CODE" && CODE_CLASS.test(node.getAttribute("class"))))
      node.removeAttribute("class");
    for (const { name } of [...node.attributes]) {
      if (!URL_ATTRS.has(name.toLowerCase())) continue;
      const ok = (node.tagName === "A" && name === "href") || (node.tagName === "IMG" && name === "src");
      const checked = ok ? checkURL(node.getAttribute(name), node.tagName === "A" ? "link" : "image") : null;
      if (!checked) node.removeAttribute(name);
      else node.setAttribute(name, checked.url.href); // what was checked is what is used
    }
    if (node.tagName === "A" && node.hasAttribute("href")) {
      node.setAttribute("target", "_blank");
      node.setAttribute("rel", "noopener noreferrer");
    } else if (node.tagName === "IMG" && node.hasAttribute("src")) {
      node.setAttribute("loading", "lazy");
      node.setAttribute("referrerpolicy", "no-referrer");
    }
  });
}

function decodeSay(raw) {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

// Sanitized DOM for markdown text; never throws (on a failure: the text in a plain paragraph).
export function markdownFragment(text) {
  if (!configured) configure();
  try {
    return DOMPurify.sanitize(markdownToHTML(text), PURIFY);
  } catch (e) {
    failed(e);
    const p = document.createElement("p");
    p.className = "cs-md-plain";
    p.textContent = String(text || "");
    return p;
  }
}

// Render failures are reported (the page emits `chatskins:error`), never thrown at the caller.
let onFailure = null;
export function setRenderFailure(handler) {
  onFailure = handler;
}
function failed(e) {
  try {
    if (onFailure) onFailure(e);
  } catch {
    /* a broken handler must not break rendering */
  }
}

// Sanitizes markdown-made DOM, gates foreign images and inserts it.
export function setMarkdown(el, text) {
  if (overBudget(text || "")) return setPlain(el, String(text || ""));
  const frag = markdownFragment(text);
  gateImages(frag);
  decorate(frag);
  glueInlineCode(frag);
  enhanceAnswer(frag);
  el.replaceChildren(frag);
}

let copyLabel = "Copy code";
let onCopy = null;
export function setCodeCopy(label, handler) {
  copyLabel = label;
  onCopy = handler;
}

let imageLabel = (host) => `Show image from ${host}`;
export function setImageLabel(fn) {
  imageLabel = fn;
}

// Images from hosts not in image_hosts wait behind a button naming the host (no request until clicked).
export function gateImages(root) {
  for (const img of root.querySelectorAll("img")) {
    const checked = checkURL(img.getAttribute("src"), "image");
    if (!checked) {
      // Not https (or pointing at the page's origin): the picture is refused, its words stay.
      const alt = img.getAttribute("alt");
      if (alt) img.replaceWith(h("span", { class: "cs-img-alt", text: alt }));
      else img.remove();
      continue;
    }
    if (checked.own || imageHostAllowed(checked.url.hostname)) continue;
    const src = checked.url.href;
    const alt = img.getAttribute("alt") || "";
    const btn = document.createElement("button");
    btn.type = "button";
    btn.className = "cs-img-gate";
    btn.textContent = imageLabel(checked.url.hostname);
    if (alt) btn.title = alt;
    btn.addEventListener("click", () => {
      const shown = document.createElement("img");
      shown.alt = alt;
      shown.loading = "lazy";
      shown.referrerPolicy = "no-referrer";
      shown.tabIndex = -1;
      shown.src = src;
      btn.replaceWith(shown);
      shown.focus();
    });
    img.replaceWith(btn);
  }
}

// Wraps each code block with a copy button (plain DOM, no HTML strings).
function decorate(root) {
  for (const pre of root.querySelectorAll("pre")) {
    const box = document.createElement("div");
    box.className = "cs-code";
    pre.replaceWith(box);
    box.append(pre);
    pre.tabIndex = 0; // scrollable region must be reachable by keyboard
    const btn = document.createElement("button");
    btn.type = "button";
    btn.className = "cs-code-copy";
    btn.textContent = copyLabel;
    btn.addEventListener("click", () => onCopy && onCopy(pre.textContent, btn));
    box.append(btn);
  }
}

function setPlain(el, text) {
  const p = document.createElement("p");
  p.className = "cs-md-plain";
  p.textContent = text;
  el.replaceChildren(p);
}

// Renders an answer into el in stable parts so a growing answer re-renders only its tail; while it
// streams, the tail shows unclosed markup in its final form (answer/tail.js).
export function renderAnswer(el, text, streaming = false) {
  text = String(text || "");
  // The split of the text this one extends: only its open tail is cut and counted again.
  const split = (el.csSplit = answerParts(text, el.csSplit));
  if (split.over) {
    if (el.csPlain !== text) setPlain(el, text);
    el.csPlain = text;
    return;
  }
  if (el.csPlain != null) {
    el.replaceChildren();
    el.csPlain = null;
  }
  const parts = split.parts.slice();
  if (streaming) parts[parts.length - 1] = closeTail(parts[parts.length - 1]);
  const kids = el.children;
  for (let i = 0; i < parts.length; i++) {
    let part = kids[i];
    if (part && part.csSource === parts[i]) continue;
    if (!part) {
      part = document.createElement("div");
      part.className = "cs-md-part";
      el.append(part);
    }
    setMarkdown(part, parts[i]);
    part.csSource = parts[i];
  }
  while (kids.length > parts.length) el.lastElementChild.remove();
}
