// The host-page script: a launcher bubble that opens a Chat Skins page in an iframe panel.
// Loaded by one <script src="<hook url>/embed.js"> tag per bot; documented in docs/embed.md.
// Budget: 5 KB gzip once minified; dependency-free. It runs on other people's sites, so it touches
// nothing outside its own shadow root and one global, window.ChatSkins (embed/registry.js).
import { createBubble } from "./embed/bubble.js";
import { bubbleId, hookBase, parseOptions } from "./embed/options.js";
import { registry } from "./embed/registry.js";

// /embed.js replaces this string with the endpoint's defaults ({color, name, strings}) as a JSON object.
const SERVER = "__CHATSKINS_DEFAULTS__";
const defaults = typeof SERVER == "object" ? SERVER : {};

const api = registry(window);
const script =
  document.currentScript ||
  [...document.scripts].find((s) => /\/embed\.js([?#]|$)/.test(s.src) && !api.bubbles.some((b) => b.script === s));

if (script) {
  const base = hookBase(script.src, location.href);
  const isColor = (c) => !!window.CSS && CSS.supports("color", c);
  const o = parseOptions(script.dataset, window.ChatSkinsConfig, base, defaults, isColor);
  const id = bubbleId(o.id, base, (x) => api.get(x));
  createBubble(id, o, base, script, (b) => api._add(b));
}
