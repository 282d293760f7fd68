// The bubble's options: its script tag's data attributes, overridden by matching window.ChatSkinsConfig
// entries, each value checked and bounded. Pure (no DOM), so node tests cover it.

const DEFAULT_COLOR = "#1f2937";

const str = (v, d) => (v == null || v === "" ? d : String(v));
const num = (v, d, lo, hi) => ((v = parseFloat(v)) >= lo && v <= hi ? v : d);
const bool = (v, d) => (v === true || v === "" || v === "true" ? true : v === false || v === "false" ? false : d);

/** The base URL of a hook: the script's URL without `embed.js` (ends with a slash). */
export function hookBase(url, here) {
  return new URL(url, here).href
    .replace(/[?#].*$/, "")
    .replace(/(embed\.js)?$/, "")
    .replace(/\/?$/, "/");
}

/**
 * dataset: the script's data attributes; configs: window.ChatSkinsConfig (one object or a list);
 * defaults: what the server filled ({color, name, strings}); isColor: a CSS color check.
 */
export function parseOptions(dataset, configs, base, defaults = {}, isColor = () => true) {
  const o = { ...dataset };
  for (const c of [].concat(configs || [])) {
    if (c && (c.url ? hookBase(c.url, base) == base : !c.id || c.id == o.id)) Object.assign(o, c);
  }
  if (typeof o.inputs == "string") {
    try {
      o.inputs = JSON.parse(o.inputs);
    } catch {
      o.inputs = 0;
    }
  }
  const s = embedStrings(defaults);
  const color = str(o.color, defaults.color || DEFAULT_COLOR);
  return {
    skin: /^[a-z0-9-]{1,40}$/.test(o.skin || "") ? o.skin : "",
    left: o.position == "left",
    x: num(o.offsetX, 20, 0, 2000),
    y: num(o.offsetY, 20, 0, 2000),
    size: num(o.size, 56, 32, 120),
    width: num(o.width, 400, 280, 1600),
    height: num(o.height, 640, 320, 2000),
    color: isColor(color) ? color : DEFAULT_COLOR,
    icon: str(o.icon, ""),
    drag: bool(o.draggable, false),
    welcome: str(o.welcome, ""),
    delay: num(o.welcomeDelay, 2000, 0, 600000),
    open: bool(o.open, false),
    fullscreen: bool(o.fullscreen, true),
    lang: /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$/.test(o.lang) ? o.lang : "",
    theme: /^(light|dark)$/.test(o.theme) ? o.theme : "",
    inputs: o.inputs && typeof o.inputs == "object" ? o.inputs : {},
    // A question for the message box, sent when the chat loads with `send` (the page sends it once).
    q: str(o.q, "").slice(0, 4000),
    send: bool(o.send, false),
    label: str(o.label, defaults.name ? s.chatWith.replace("{name}", defaults.name) : s.openChat),
    title: str(o.title, defaults.name || s.title),
    prefetch: bool(o.prefetch, true),
    timeout: num(o.timeout, 15000, 1000, 600000),
    z: num(o.zIndex, 2147483000, 0, 2147483647),
    id: str(o.id, ""),
    strings: s,
  };
}

// English only when the server sent no strings (an older server, a stripped build).
const ENGLISH = {
  openChat: "Open chat",
  chatWith: "Chat with {name}",
  title: "Chat",
  dismiss: "Dismiss",
  loadFailed: "The chat did not load.",
};

/** The bubble's own texts in the language the server resolved, English for any it did not send. */
export function embedStrings(defaults = {}) {
  const given = defaults.strings && typeof defaults.strings == "object" ? defaults.strings : {};
  const out = {};
  for (const k in ENGLISH) out[k] = typeof given[k] == "string" && given[k] ? given[k] : ENGLISH[k];
  return out;
}

/** The bubble's id from its option or its hook URL, unique on the page (`taken(id)` says when not). */
export function bubbleId(option, base, taken) {
  // Bubble ids travel in the iframe URL and in every message; the page accepts [A-Za-z0-9_-]{1,40}.
  let id = (option || base.split("/").slice(-2)[0] || "chat").replace(/[^\w-]/g, "-").slice(0, 36) || "chat";
  for (let n = 2; taken(id); n++) id = id.replace(/(-\d+)?$/, "-" + n);
  return id;
}
