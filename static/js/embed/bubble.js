// One bubble's behaviour: the iframe loaded on demand, open/close/expand, the welcome preview,
// dragging, and the messages to and from the chat page (protocol.js), checked at the boundary.
import { COMMAND, MESSAGE_TYPE, PUBLIC_EVENTS, message } from "../protocol.js";
import { buildBubble } from "./dom.js";
import { PHONE } from "./style.js";

/** Creates the bubble `id` for options `o` on the hook at `base`; `register` gets its API object. */
export function createBubble(id, o, base, script, register) {
  const origin = new URL(base).origin;
  const handlers = {};
  const pending = [];
  let iframe, ready, readyDetail, opened, focusOnReady, moved, start;
  const { host, root, panel, tip, tipText, tipClose, button } = buildBubble(id, o);

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
  const post = (detail) => iframe.contentWindow.postMessage(message(id, COMMAND, detail), origin);
  const command = (detail) => {
    frame();
    ready ? post(detail) : pending.push(detail);
  };

  function frame() {
    if (iframe) return;
    const q = new URLSearchParams({ embed: "1", origin: location.origin, bubble: id });
    if (o.lang) q.set("lang", o.lang);
    if (o.theme) q.set("theme", o.theme);
    if (o.q) q.set("q", o.q);
    if (o.q && o.send) q.set("send", "1");
    iframe = document.createElement("iframe");
    iframe.title = o.title;
    // Voice input and read-aloud (docs/voice.md); a host page whose own policy forbids them keeps a
    // working bubble: the page then shows its "no microphone" state and the speaker button.
    iframe.allow = "clipboard-write; microphone; autoplay";
    iframe.src = base + o.skin + "?" + q;
    panel.append(iframe);
    setTimeout(() => ready || emit("error", { code: "embed_unavailable", message: o.strings.loadFailed }), o.timeout);
  }

  const tipKey = "chatskins:welcome:" + id;
  const tipSeen = (set) => {
    try {
      return set ? sessionStorage.setItem(tipKey, 1) : sessionStorage.getItem(tipKey);
    } catch {
      return set ? 0 : 1;
    }
  };
  const hideTip = () => {
    tip.hidden = true;
    tipSeen(1);
  };

  function open(focus = true) {
    frame();
    hideTip();
    if (opened) return;
    opened = true;
    panel.hidden = false;
    host.classList.add("chatskins-open");
    button.setAttribute("aria-expanded", "true");
    if (focus) ready ? post({ action: "focus" }) : (focusOnReady = 1);
    emit("open");
  }

  function close() {
    if (!opened) return;
    // Focus inside the panel (or on the bubble) shows as focus on our host element: give it back to the bubble.
    const had = document.activeElement == host;
    opened = focusOnReady = false;
    panel.hidden = true;
    host.classList.remove("chatskins-open");
    button.setAttribute("aria-expanded", "false");
    if (had) button.focus();
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
    expand: (on) => host.classList.toggle("chatskins-expanded", on),
    on(name, fn) {
      (handlers[name] = handlers[name] || []).push(fn);
      // A late `ready` listener gets the same detail the others got.
      if (name == "ready" && ready) fn({ ...readyDetail, bubble: id }, b);
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
    if (!d || d.type != MESSAGE_TYPE || d.bubble !== id) return;
    const detail = d.detail && typeof d.detail == "object" ? d.detail : {};
    if (d.name == "ready") {
      ready = 1;
      readyDetail = detail;
      if (Object.keys(o.inputs).length) post({ action: "setInputs", inputs: o.inputs });
      while (pending.length) post(pending.shift());
      if (focusOnReady && opened) post({ action: "focus" });
      focusOnReady = 0;
      emit("ready", detail);
    } else if (d.name == "close") close();
    else if (d.name == "expand") b.expand();
    else if (PUBLIC_EVENTS.includes(d.name)) emit(d.name, detail);
  });

  // A drag moves the bubble; only a press that stays within a few pixels counts as a click.
  button.addEventListener("pointerdown", (e) => {
    moved = 0;
    if (!o.drag || e.button) return;
    const r = button.getBoundingClientRect();
    start = [e.clientX, e.clientY, e.clientX - r.left, e.clientY - r.top];
    button.setPointerCapture(e.pointerId);
  });
  button.addEventListener("pointermove", (e) => {
    if (!start || (!moved && Math.hypot(e.clientX - start[0], e.clientY - start[1]) < 6)) return;
    moved = 1;
    hideTip();
    const s = button.style;
    s.left = Math.max(0, Math.min(innerWidth - o.size, e.clientX - start[2])) + "px";
    s.top = Math.max(0, Math.min(innerHeight - o.size, e.clientY - start[3])) + "px";
    s.right = s.bottom = "auto";
  });
  button.addEventListener("pointerup", () => (start = 0));
  button.addEventListener("pointercancel", () => (start = 0));
  button.addEventListener("click", () => (moved ? (moved = 0) : b.toggle()));
  button.addEventListener("pointerenter", frame);
  tipText.addEventListener("click", () => open());
  tipClose.addEventListener("click", () => {
    hideTip();
    button.focus();
  });
  root.addEventListener("keydown", (e) => e.key == "Escape" && opened && close());

  (document.body || document.documentElement).append(host);
  // Registered before it opens or greets, so queued ChatSkins.push() callbacks see every event.
  register(b);

  if (o.welcome && !tipSeen())
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
