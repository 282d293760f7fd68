// The host-page script: a launcher bubble that opens a Chat Skins page in an iframe panel.
// Loaded by one <script src="<hook url>/embed.js"> tag per bot; documented in docs/embed.md.
// Kept small (budget: 5 KB gzip) and dependency-free; it runs on other people's sites, so it
// touches nothing outside its own shadow root and one global, window.ChatSkins.

// /embed.js replaces this string with the endpoint's defaults ({color, name}) as a JSON object.
const SERVER = "__CHATSKINS_DEFAULTS__";
const defaults = typeof SERVER == "object" ? SERVER : {};
const NS = "http://www.w3.org/2000/svg";
const PHONE = "(max-width: 640px)";
const EVENTS = ["message", "answer", "error", "conversation"];
const METHODS = ["open", "close", "toggle", "send", "reset", "setInputs", "expand", "on", "off"];

const STYLE = `:host{all:initial;color-scheme:light dark}
.b{position:fixed;z-index:var(--z);bottom:var(--y);right:var(--x);width:var(--s);height:var(--s);border:0;padding:0;margin:0;border-radius:50%;background:var(--c);color:var(--f);box-shadow:0 4px 14px #0004;cursor:pointer;display:grid;place-items:center;overflow:hidden;font:calc(var(--s)*.45)/1 system-ui,sans-serif;transition:transform .15s}
.b:hover{transform:scale(1.06)}
.b:focus-visible,.w button:focus-visible{outline:3px solid #2563eb;outline-offset:2px}
.b svg{width:50%;height:50%;fill:currentColor}
.b img{width:100%;height:100%;object-fit:cover}
.d{touch-action:none}
:host(.o) .i1,:host(:not(.o)) .i2{display:none}
.p,.w{position:fixed;z-index:var(--z);bottom:calc(var(--y) + var(--s) + 12px);right:var(--x);box-shadow:0 8px 36px #0005}
.p{width:min(var(--w),calc(100vw - 2*var(--x)));height:min(var(--h),calc(100vh - var(--y) - var(--s) - 24px));border-radius:14px;overflow:hidden;background:Canvas}
:host(.x) .p{top:16px;bottom:16px;height:auto;width:min(calc(var(--w)*2),calc(100vw - 32px))}
.w{display:flex;align-items:start;max-width:min(300px,calc(100vw - 2*var(--x)));border-radius:12px;background:Canvas;color:CanvasText;font:15px/1.4 system-ui,sans-serif}
.w button{all:unset;cursor:pointer;padding:12px 6px 12px 14px;overflow-wrap:anywhere}
.w .wx{padding:10px 12px;opacity:.7}
:host(.l) .b,:host(.l) .p,:host(.l) .w{right:auto;left:var(--x)}
[hidden]{display:none!important}
iframe{display:block;width:100%;height:100%;border:0}
@media ${PHONE}{:host(.fs) .p{inset:0;width:100%;height:100%;border-radius:0}:host(.fs.o) .b{display:none}}
@media (prefers-reduced-motion:reduce){.b{transition:none}}`;

const str = (v, d) => (v == null || v === "" ? d : String(v));
const num = (v, d, lo, hi) => ((v = parseFloat(v)) >= lo && v <= hi ? v : d);
const bool = (v, d) => (v === true || v === "" || v === "true" ? true : v === false || v === "false" ? false : d);

/** Text color for an icon on `color`: dark on light backgrounds, else white (hex only; others get white). */
function onColor(color) {
  const m = /^#([\da-f]{3}|[\da-f]{6})$/i.exec(color);
  if (!m) return "#fff";
  const h = m[1].length == 3 ? m[1].replace(/./g, "$&$&") : m[1];
  const [r, g, b] = [0, 2, 4].map((i) => {
    const v = parseInt(h.slice(i, i + 2), 16) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.179 ? "#111" : "#fff";
}

function svg(d, cls) {
  const s = document.createElementNS(NS, "svg");
  const p = document.createElementNS(NS, "path");
  s.setAttribute("viewBox", "0 0 24 24");
  s.setAttribute("aria-hidden", "true");
  s.setAttribute("class", cls);
  p.setAttribute("d", d);
  s.append(p);
  return s;
}

function el(tag, cls, parent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  parent.append(e);
  return e;
}

// The registry behind the one global. A page may have set window.ChatSkins to an array of
// functions before this script loaded; each is called with the API once the first bubble exists.
let api = window.ChatSkins;
if (!api || !api.get) {
  const queue = Array.isArray(api) ? api : [];
  const bubbles = [];
  api = window.ChatSkins = {
    bubbles,
    get: (id) => (id == null ? bubbles[0] : bubbles.find((b) => b.id === id)),
    push: (fn) => (bubbles[0] ? fn(api) : queue.push(fn)),
    _add(b) {
      bubbles.push(b);
      while (queue.length) queue.shift()(api);
    },
  };
  for (const m of METHODS) api[m] = (...a) => bubbles[0] && bubbles[0][m](...a);
}

const script =
  document.currentScript ||
  [...document.scripts].find((s) => /\/embed\.js([?#]|$)/.test(s.src) && !api.bubbles.some((b) => b.script === s));
if (script) create(script);

/** The base URL of a hook: the script's URL without `embed.js` (ends with a slash). */
function hookBase(url) {
  return new URL(url, location.href).href
    .replace(/[?#].*$/, "")
    .replace(/(embed\.js)?$/, "")
    .replace(/\/?$/, "/");
}

function options(script, base) {
  const o = { ...script.dataset };
  for (const c of [].concat(window.ChatSkinsConfig || [])) {
    if (c && (c.url ? hookBase(c.url) == base : !c.id || c.id == o.id)) Object.assign(o, c);
  }
  if (typeof o.inputs == "string") {
    try {
      o.inputs = JSON.parse(o.inputs);
    } catch {
      o.inputs = 0;
    }
  }
  const color = str(o.color, defaults.color || "#1f2937");
  return {
    skin: /^[a-z0-9-]{1,40}$/.test(o.skin || "") ? o.skin : "",
    left: o.position == "left",
    x: num(o.offsetX, 20, 0, 2000),
    y: num(o.offsetY, 20, 0, 2000),
    size: num(o.size, 56, 32, 120),
    width: num(o.width, 400, 280, 1600),
    height: num(o.height, 640, 320, 2000),
    color: window.CSS && CSS.supports("color", color) ? color : "#1f2937",
    icon: str(o.icon, ""),
    drag: bool(o.draggable, false),
    welcome: str(o.welcome, ""),
    delay: num(o.welcomeDelay, 2000, 0, 600000),
    open: bool(o.open, false),
    fs: bool(o.fullscreen, true),
    lang: /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$/.test(o.lang) ? o.lang : "",
    theme: /^(light|dark)$/.test(o.theme) ? o.theme : "",
    inputs: o.inputs && typeof o.inputs == "object" ? o.inputs : {},
    label: str(o.label, defaults.name ? "Chat with " + defaults.name : "Open chat"),
    title: str(o.title, defaults.name || "Chat"),
    prefetch: bool(o.prefetch, true),
    timeout: num(o.timeout, 15000, 1000, 600000),
    z: num(o.zIndex, 2147483000, 0, 2147483647),
    id: str(o.id, ""),
  };
}

function create(script) {
  const base = hookBase(script.src);
  const origin = new URL(base).origin;
  const o = options(script, base);
  // Bubble ids travel in the iframe URL and in every message; the page accepts [A-Za-z0-9_-]{1,40}.
  let id = (o.id || base.split("/").slice(-2)[0] || "chat").replace(/[^\w-]/g, "-").slice(0, 36) || "chat";
  for (let n = 2; api.get(id); n++) id = id.replace(/(-\d+)?$/, "-" + n);

  const handlers = {};
  const pending = [];
  let iframe, ready, opened, focusOnReady, moved, start;

  const host = document.createElement("chat-skins");
  host.setAttribute("data-bubble", id);
  const root = host.attachShadow({ mode: "open" });
  if (root.adoptedStyleSheets && window.CSSStyleSheet) {
    // A constructed sheet is not blocked by a host page's CSP, unlike a <style> element.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
    root.adoptedStyleSheets = [sheet];
  } else el("style", "", root).textContent = STYLE;
  const vars = { x: o.x + "px", y: o.y + "px", s: o.size + "px", w: o.width + "px", h: o.height + "px", c: o.color };
  for (const k in vars) host.style.setProperty("--" + k, vars[k]);
  host.style.setProperty("--f", onColor(o.color));
  host.style.setProperty("--z", o.z);
  host.classList.toggle("l", o.left);
  host.classList.toggle("fs", o.fs);

  const panel = el("div", "p", root);
  panel.id = "p";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", o.title);

  const tip = el("div", "w", root);
  tip.hidden = true;
  tip.setAttribute("role", "status");
  const tipText = el("button", "", tip);
  tipText.textContent = o.welcome;
  const tipClose = el("button", "wx", tip);
  tipClose.textContent = "\u00d7";
  tipClose.setAttribute("aria-label", "Dismiss");

  const btn = el("button", o.drag ? "b d" : "b", root);
  btn.type = "button";
  btn.setAttribute("aria-label", o.label);
  btn.setAttribute("aria-controls", "p");
  btn.setAttribute("aria-expanded", "false");
  if (/^https:\/\/[^\s"'<>]+$/.test(o.icon)) {
    const img = el("img", "i1", btn);
    img.alt = "";
    img.src = o.icon;
  } else if (o.icon) el("span", "i1", btn).textContent = [...o.icon].slice(0, 8).join("");
  else btn.append(svg("M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2h-9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z", "i1"));
  btn.append(svg("M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z", "i2"));

  const emit = (name, detail = {}) => {
    for (const fn of handlers[name] || []) {
      try {
        fn({ ...detail, bubble: id }, b);
      } catch (e) {
        setTimeout(() => {
          throw e;
        });
      }
    }
  };
  const post = (detail) =>
    iframe.contentWindow.postMessage({ type: "chatskins", bubble: id, name: "command", detail }, origin);
  const command = (detail) => {
    frame();
    ready ? post(detail) : pending.push(detail);
  };

  function frame() {
    if (iframe) return;
    const q = new URLSearchParams({ embed: "1", origin: location.origin, bubble: id });
    if (o.lang) q.set("lang", o.lang);
    if (o.theme) q.set("theme", o.theme);
    iframe = document.createElement("iframe");
    iframe.title = o.title;
    iframe.allow = "clipboard-write";
    iframe.src = base + o.skin + "?" + q;
    panel.append(iframe);
    setTimeout(
      () => ready || emit("error", { code: "embed_unavailable", message: "The chat did not load." }),
      o.timeout,
    );
  }

  const tipKey = "chatskins:welcome:" + id;
  const store = (set) => {
    try {
      return set ? sessionStorage.setItem(tipKey, 1) : sessionStorage.getItem(tipKey);
    } catch {
      return set ? 0 : 1;
    }
  };
  const hideTip = () => {
    tip.hidden = true;
    store(1);
  };

  function open(focus = true) {
    frame();
    hideTip();
    if (opened) return;
    opened = true;
    panel.hidden = false;
    host.classList.add("o");
    btn.setAttribute("aria-expanded", "true");
    if (focus) ready ? post({ action: "focus" }) : (focusOnReady = 1);
    emit("open");
  }

  function close() {
    if (!opened) return;
    // Focus inside the panel (or on the bubble) shows as focus on our host element: give it back to the bubble.
    const had = document.activeElement == host;
    opened = focusOnReady = false;
    panel.hidden = true;
    host.classList.remove("o");
    btn.setAttribute("aria-expanded", "false");
    if (had) btn.focus();
    emit("close");
  }

  const b = {
    id,
    script,
    el: host,
    get isOpen() {
      return !!opened;
    },
    get isReady() {
      return !!ready;
    },
    open: () => open(),
    close,
    toggle: () => (opened ? close() : open()),
    send(text) {
      open();
      command({ action: "send", text: String(text) });
    },
    reset: () => command({ action: "reset" }),
    setInputs(inputs) {
      if (!inputs || typeof inputs != "object") return;
      // Before the page is ready the values wait in the options, sent together once it is.
      ready ? post({ action: "setInputs", inputs }) : Object.assign(o.inputs, inputs);
    },
    expand: (on) => host.classList.toggle("x", on),
    on(name, fn) {
      (handlers[name] = handlers[name] || []).push(fn);
      if (name == "ready" && ready) fn({ bubble: id }, b);
      return b;
    },
    off(name, fn) {
      handlers[name] = (handlers[name] || []).filter((f) => f !== fn);
      return b;
    },
  };

  addEventListener("message", (e) => {
    const d = e.data;
    // Only our own iframe, only from the plugin's origin, only for this bubble: everything else is ignored.
    if (!iframe || e.source !== iframe.contentWindow || e.origin !== origin) return;
    if (!d || d.type != "chatskins" || d.bubble !== id) return;
    const detail = d.detail && typeof d.detail == "object" ? d.detail : {};
    if (d.name == "ready") {
      ready = 1;
      if (Object.keys(o.inputs).length) post({ action: "setInputs", inputs: o.inputs });
      while (pending.length) post(pending.shift());
      if (focusOnReady && opened) post({ action: "focus" });
      focusOnReady = 0;
      emit("ready", detail);
    } else if (d.name == "close") close();
    else if (d.name == "expand") b.expand();
    else if (EVENTS.includes(d.name)) emit(d.name, detail);
  });

  // A drag moves the bubble; only a press that stays within a few pixels counts as a click.
  btn.addEventListener("pointerdown", (e) => {
    moved = 0;
    if (!o.drag || e.button) return;
    const r = btn.getBoundingClientRect();
    start = [e.clientX, e.clientY, e.clientX - r.left, e.clientY - r.top];
    btn.setPointerCapture(e.pointerId);
  });
  btn.addEventListener("pointermove", (e) => {
    if (!start || (!moved && Math.hypot(e.clientX - start[0], e.clientY - start[1]) < 6)) return;
    moved = 1;
    hideTip();
    const s = btn.style;
    s.left = Math.max(0, Math.min(innerWidth - o.size, e.clientX - start[2])) + "px";
    s.top = Math.max(0, Math.min(innerHeight - o.size, e.clientY - start[3])) + "px";
    s.right = s.bottom = "auto";
  });
  btn.addEventListener("pointerup", () => (start = 0));
  btn.addEventListener("pointercancel", () => (start = 0));
  btn.addEventListener("click", () => (moved ? (moved = 0) : b.toggle()));
  btn.addEventListener("pointerenter", frame);
  tipText.addEventListener("click", () => open());
  tipClose.addEventListener("click", () => {
    hideTip();
    btn.focus();
  });
  root.addEventListener("keydown", (e) => e.key == "Escape" && opened && close());

  (document.body || document.documentElement).append(host);
  api._add(b);

  if (o.welcome && !store())
    setTimeout(() => {
      if (!opened && !moved) tip.hidden = false;
    }, o.delay);
  // Opening on load never covers a phone's whole screen, and never takes focus from the host page.
  if (o.open && !matchMedia(PHONE).matches) open(false);
  else if (o.prefetch) {
    // Load the chat page only once the host page has loaded and the browser is idle.
    const idle = () => (window.requestIdleCallback || setTimeout)(frame, { timeout: 5000 });
    document.readyState == "complete" ? idle() : addEventListener("load", idle, { once: true });
  }
}
