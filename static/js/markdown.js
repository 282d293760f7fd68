// The ONE path by which HTML reaches the page: markdown -> marked -> DOMPurify (Trusted Types).
// Every other bit of text on the page is set with textContent.
import { Marked } from "marked";
import DOMPurify from "dompurify";
import { splitBlocks } from "./blocks.js";

const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHTML = (s) => String(s).replace(/[&<>"']/g, (c) => ESC[c]);

// Raw HTML inside an answer is shown as text, never interpreted; the sanitizer is the second wall.
const marked = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    html: ({ text }) => escapeHTML(text),
  },
});

export function markdownToHTML(text) {
  return marked.parse(String(text || ""), { async: false });
}

const SAFE_URL = /^(?:https?:|mailto:|tel:|#)/i;
let configured = false;

function configure() {
  configured = true;
  DOMPurify.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName === "A") {
      const href = node.getAttribute("href") || "";
      if (!SAFE_URL.test(href)) node.removeAttribute("href");
      else if (!href.startsWith("#")) {
        node.setAttribute("target", "_blank");
        node.setAttribute("rel", "noopener noreferrer");
      }
    } else if (node.tagName === "IMG") {
      // Only https images (no relative URLs onto Dify's own origin); lazy and never referrer-leaking.
      if (!/^https:/i.test(node.getAttribute("src") || "")) node.remove();
      else {
        node.setAttribute("loading", "lazy");
        node.setAttribute("referrerpolicy", "no-referrer");
      }
    }
  });
}

const PURIFY = {
  RETURN_TRUSTED_TYPE: true,
  USE_PROFILES: { html: true },
  FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "option", "iframe", "frame", "object", "embed", "svg", "math", "template", "link", "meta", "base"],
  FORBID_ATTR: ["style", "class", "id", "name", "srcset", "action", "formaction"],
  ALLOW_DATA_ATTR: false,
};

// Sanitizes markdown-made HTML and inserts it: the only innerHTML assignment in the client.
export function setMarkdown(el, text) {
  if (!configured) configure();
  el.innerHTML = DOMPurify.sanitize(markdownToHTML(text), PURIFY);
  decorate(el);
}

let copyLabel = "Copy code";
let onCopy = null;
export function setCodeCopy(label, handler) {
  copyLabel = label;
  onCopy = handler;
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

// Renders an answer into el in stable parts so a growing answer re-renders only its tail.
export function renderAnswer(el, text) {
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
