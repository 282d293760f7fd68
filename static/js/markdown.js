// The ONE path by which HTML reaches the page: markdown -> marked -> DOMPurify (Trusted Types) -> DOM.
// Every other bit of text on the page is set with textContent.
import { Marked, Renderer } from "marked";
import DOMPurify from "dompurify";
import { splitBlocks } from "./blocks.js";

const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHTML = (s) => String(s).replace(/[&<>"']/g, (c) => ESC[c]);
const defaultText = Renderer.prototype.text;

// Raw HTML inside an answer is shown as text, never interpreted; the sanitizer is the second wall.
const marked = new Marked({
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
    html: ({ text }) => escapeHTML(text),
    // Whatever state the lexer was in, a text token leaves here escaped.
    text(token) {
      return defaultText.call(this, token.escaped ? { ...token, escaped: false } : token);
    },
    // Task lists as text: no form controls in answers.
    checkbox: ({ checked }) => (checked ? "☑ " : "☐ "),
  },
});

// --- taming pathological input ---------------------------------------------------------------
// marked recurses once per nesting level (a few thousand `>` overflow the stack) and is quadratic
// on long runs of inline delimiters, so both are bounded before parsing.
export const MAX_DEPTH = 16;
const MAX_INDENT = 40;
// Inline delimiters whose handling in marked costs more than linear time when there are many.
const COSTLY = /[*_~`[\]!<\\]/g;
export const MAX_COSTLY = 600;
// Characters of markup (outside code fences) parsed as one unit; longer parts read as plain text.
export const MAX_MARKUP = 12000;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const MARKER = /^[ \t]*(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))[ \t]?/;

// A line whose container prefix (blockquote and list markers, indentation) nests deeper than
// MAX_DEPTH keeps its first MAX_DEPTH levels; the rest of the line reads as escaped text.
function capLine(line) {
  let rest = line;
  let depth = 0;
  let m;
  while ((m = MARKER.exec(rest))) {
    if (++depth > MAX_DEPTH) {
      const kept = line.slice(0, line.length - rest.length);
      const lead = /^[ \t]*/.exec(rest)[0];
      return kept + lead + "\\" + rest.slice(lead.length);
    }
    rest = rest.slice(m[0].length);
  }
  const indent = /^[ \t]*/.exec(line)[0];
  return indent.length > MAX_INDENT ? " ".repeat(MAX_INDENT) + line.slice(indent.length) : line;
}

// Text made safe to parse in bounded time, or null when it should be shown as plain text.
export function tame(text) {
  const lines = String(text).split("\n");
  let fence = null;
  let costly = 0;
  let markup = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const f = FENCE.exec(line);
    if (f) {
      if (!fence) fence = f[1];
      else if (f[1][0] === fence[0] && f[1].length >= fence.length && line.trim() === f[1]) fence = null;
      continue;
    }
    if (fence) continue; // code is not parsed for markup
    costly += (line.match(COSTLY) || []).length;
    markup += line.length + 1;
    if (costly > MAX_COSTLY || markup > MAX_MARKUP) return null;
    lines[i] = capLine(line);
  }
  return lines.join("\n");
}

// A rough upper bound of the elements markdown would make of the text (lines outside code, table
// cells, inline delimiters): past ELEMENT_BUDGET the whole text is shown plainly, because building
// and laying out that many elements costs more than a frame, however the text is split.
export const ELEMENT_BUDGET = 1000;
export function overBudget(text) {
  let count = 0;
  let fence = null;
  for (const line of String(text).split("\n")) {
    const f = FENCE.exec(line);
    if (f) {
      if (!fence) fence = f[1];
      else if (f[1][0] === fence[0] && f[1].length >= fence.length && line.trim() === f[1]) fence = null;
      count += 3; // a code block: wrapper, pre and copy button
    } else if (!fence) count += 1 + (line.match(/[|*_~`[!<]/g) || []).length;
    if (count > ELEMENT_BUDGET) return true;
  }
  return false;
}

function plainHTML(text) {
  return `<p>${escapeHTML(text).replace(/\n/g, "<br>")}</p>`;
}

export function markdownToHTML(text) {
  const src = String(text || "");
  const tamed = tame(src);
  if (tamed === null) return plainHTML(src);
  return marked.parse(tamed, { async: false });
}

// --- URLs --------------------------------------------------------------------------------------
// The page shares Dify's origin: nothing in an answer may point back at it, except the app's own
// files (Dify serves them, signed, under /files/).
function here() {
  return globalThis.location && /^https?:$/.test(globalThis.location.protocol) ? globalThis.location : null;
}

// {url, own} for a URL an answer may use in `kind` ("link" or "image"), or null.
export function checkURL(raw, kind, base = here()) {
  const value = String(raw || "").trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters in a URL are exactly what this refuses
  if (!value || /[\\\u0000-\u001f\u007f]/.test(value)) return null;
  let url;
  try {
    url = base ? new URL(value, base.href) : new URL(value);
  } catch {
    return null;
  }
  const own = !!base && url.origin === base.origin;
  if (own) return url.pathname.startsWith("/files/") && !url.username && !url.password ? { url, own: true } : null;
  if (url.username || url.password) return null;
  if (url.protocol === "https:") return { url, own: false };
  // Links may also start mail or a call; plain http is refused like everything else that is not https.
  if (kind === "link" && (url.protocol === "mailto:" || url.protocol === "tel:") && /^[a-z]+:/i.test(value))
    return { url, own: false };
  return null;
}

// Image hosts whose images load at once: "*" (any), or host names (a leading "*." matches subdomains).
let imageHosts = [];
export function setImageHosts(list) {
  imageHosts = Array.isArray(list) ? list.filter((h) => typeof h === "string" && h).map((h) => h.toLowerCase()) : [];
}

export function imageHostAllowed(host) {
  host = String(host || "").toLowerCase();
  return imageHosts.some((h) => h === "*" || h === host || (h.startsWith("*.") && host.endsWith(h.slice(1))));
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
];
const ATTRS = ["href", "title", "src", "alt", "start", "align"];
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
  ALLOWED_ATTR: ATTRS,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  // The fragment comes from an inert document: nothing in it loads before the checks below ran.
  RETURN_DOM_FRAGMENT: true,
};

let configured = false;
function configure() {
  configured = true;
  DOMPurify.addHook("afterSanitizeAttributes", (node) => {
    if (!node.attributes) return;
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
    } else if (node.tagName === "IMG") {
      if (!node.hasAttribute("src")) node.remove();
      else {
        node.setAttribute("loading", "lazy");
        node.setAttribute("referrerpolicy", "no-referrer");
      }
    }
  });
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
function gateImages(root) {
  for (const img of root.querySelectorAll("img")) {
    const checked = checkURL(img.getAttribute("src"), "image");
    if (!checked) {
      img.remove();
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

// Renders an answer into el in stable parts so a growing answer re-renders only its tail.
export function renderAnswer(el, text) {
  text = String(text || "");
  if (overBudget(text)) {
    if (el.csPlain !== text) setPlain(el, text);
    el.csPlain = text;
    return;
  }
  if (el.csPlain != null) {
    el.replaceChildren();
    el.csPlain = null;
  }
  const parts = splitBlocks(text);
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
