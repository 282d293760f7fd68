// The bubble's elements, in a shadow root on one <chat-skins> element: the launcher button, the
// panel that will hold the chat's iframe, and the welcome preview.
import { onColor } from "./color.js";
import { STYLE } from "./style.js";

const SVG = "http://www.w3.org/2000/svg";
const CHAT_ICON = "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2h-9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z";
const CLOSE_ICON = "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z";

function icon(d, cls) {
  const s = document.createElementNS(SVG, "svg");
  const p = document.createElementNS(SVG, "path");
  s.setAttribute("viewBox", "0 0 24 24");
  s.setAttribute("aria-hidden", "true");
  s.setAttribute("class", cls);
  p.setAttribute("d", d);
  s.append(p);
  return s;
}

function add(tag, cls, parent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  parent.append(e);
  return e;
}

/** Builds the bubble for options `o` (see options.js); returns its parts. */
export function buildBubble(id, o) {
  const host = document.createElement("chat-skins");
  host.setAttribute("data-bubble", id);
  const root = host.attachShadow({ mode: "open" });
  if (root.adoptedStyleSheets && window.CSSStyleSheet) {
    // A constructed sheet is not blocked by a host page's CSP, unlike a <style> element.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
    root.adoptedStyleSheets = [sheet];
  } else add("style", "", root).textContent = STYLE;
  const vars = {
    x: o.x + "px",
    y: o.y + "px",
    size: o.size + "px",
    width: o.width + "px",
    height: o.height + "px",
    color: o.color,
    "on-color": onColor(o.color),
    z: o.z,
  };
  for (const k in vars) host.style.setProperty("--chatskins-" + k, vars[k]);
  host.classList.toggle("chatskins-left", o.left);
  host.classList.toggle("chatskins-fullscreen", o.fullscreen);

  const panel = add("div", "chatskins-panel", root);
  panel.id = "chatskins-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", o.title);

  const tip = add("div", "chatskins-welcome", root);
  tip.hidden = true;
  tip.setAttribute("role", "status");
  const tipText = add("button", "", tip);
  tipText.textContent = o.welcome;
  const tipClose = add("button", "chatskins-welcome-dismiss", tip);
  tipClose.textContent = "\u00d7";
  tipClose.setAttribute("aria-label", o.strings.dismiss);

  const button = add("button", o.drag ? "chatskins-bubble chatskins-draggable" : "chatskins-bubble", root);
  button.type = "button";
  button.setAttribute("aria-label", o.label);
  button.setAttribute("aria-controls", panel.id);
  button.setAttribute("aria-expanded", "false");
  if (/^https:\/\/[^\s"'<>]+$/.test(o.icon)) {
    const img = add("img", "chatskins-icon", button);
    img.alt = "";
    img.src = o.icon;
  } else if (o.icon) add("span", "chatskins-icon", button).textContent = [...o.icon].slice(0, 8).join("");
  else button.append(icon(CHAT_ICON, "chatskins-icon"));
  button.append(icon(CLOSE_ICON, "chatskins-close-icon"));

  return { host, root, panel, tip, tipText, tipClose, button };
}
