// The skin gallery: the "try your own" form, applied live to every preview (same-origin frames, by
// postMessage), and the snippets to copy. Absolute URLs are built here: only the browser knows the public URL.
import { copyOrSelect } from "./gallery/copy.js";
import { accentPalette } from "./gallery/palette.js";
import { snippets } from "./gallery/snippets.js";
import { cleanAccent, cleanAvatar, cleanName, trialMessage } from "./gallery/values.js";
import { MESSAGE_TYPE, PREVIEW_READY } from "./protocol.js";

const main = document.getElementById("g-main");
const form = document.getElementById("g-form");
const status = document.getElementById("g-status");

function readConfig() {
  try {
    return JSON.parse(main?.dataset.config || "{}") || {};
  } catch {
    return {};
  }
}

const config = readConfig();
const words = config.strings || {};
const frames = () => document.querySelectorAll(".g-preview iframe");

let clearTimer = 0;
function announce(text) {
  if (!status) return;
  status.textContent = text;
  clearTimeout(clearTimer);
  clearTimer = setTimeout(() => (status.textContent = ""), 4000);
}

/** The form's values, cleaned like the settings they stand for. */
function values() {
  const f = form.elements;
  const accentSet = f.accent_color.dataset.set !== undefined;
  return {
    skin: f.skin.value,
    botName: cleanName(f.bot_name.value),
    accent: accentSet ? cleanAccent(f.accent_color.value) : "",
    avatarUrl: cleanAvatar(f.avatar_url.value),
  };
}

const key = (v) => JSON.stringify([v.botName, v.accent, v.avatarUrl]);
const start = config.start || {};
const startKey = key({ botName: start.botName || "", accent: start.accent || "", avatarUrl: start.avatarUrl || "" });

function post(frame, msg) {
  // Same origin only: a preview that navigated elsewhere never receives the values.
  frame.contentWindow?.postMessage(msg, location.origin);
}

function render() {
  const v = values();
  const f = form.elements;
  document.getElementById("g-accent-value").textContent = v.accent || words.try_accent_none || "";
  const badAvatar = f.avatar_url.value.trim() !== "" && !v.avatarUrl;
  f.avatar_url.setAttribute("aria-invalid", String(badAvatar));
  document.getElementById("g-avatar-error").textContent = badAvatar ? words.try_avatar_bad || "" : "";
  for (const card of document.querySelectorAll(".g-card[data-skin]"))
    card.toggleAttribute("data-chosen", card.dataset.skin === v.skin);
  const parts = snippets(v, { fallbackName: config.botName });
  for (const out of document.querySelectorAll("[data-out]")) out.textContent = parts[out.dataset.out] ?? "";
  return v;
}

let current = null; // the message every preview shows, or null while the form holds the endpoint's own values
let frame = 0;
function update() {
  frame = 0;
  const v = render();
  const changed = key(v) !== startKey;
  if (!changed && !current) return;
  current = trialMessage({ botName: v.botName, avatarUrl: v.avatarUrl, palette: v.accent && accentPalette(v.accent) });
  for (const f of frames()) post(f, current);
}
const schedule = () => (frame ||= requestAnimationFrame(update));

if (form && main) {
  const accent = form.elements.accent_color;
  if (accent.hasAttribute("data-start-set")) accent.dataset.set = "";
  accent.addEventListener("input", () => (accent.dataset.set = ""));
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", (e) => e.preventDefault());
  form.addEventListener("reset", () => {
    // `reset` fires before the fields go back to their defaults.
    setTimeout(() => {
      if (accent.hasAttribute("data-start-set")) accent.dataset.set = "";
      else delete accent.dataset.set;
      schedule();
    });
  });
  // Each preview is a page of --g-frame-w CSS pixels, scaled to the width its box has.
  const frameWidth =
    Number.parseFloat(getComputedStyle(document.documentElement).getPropertyValue("--g-frame-w")) || 400;
  const sizes = new ResizeObserver((entries) => {
    for (const e of entries) e.target.style.setProperty("--g-scale", String(e.contentRect.width / frameWidth));
  });
  for (const box of document.querySelectorAll(".g-frame")) sizes.observe(box);
  // Each preview is a whole chat page, and same-origin frames share the gallery's thread: load only
  // those near the screen (the browser's own lazy loading reaches much further ahead).
  const near = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        near.unobserve(e.target);
        e.target.src = e.target.dataset.src;
      }
    },
    { rootMargin: "300px 0px" },
  );
  for (const f of frames()) near.observe(f);
  // A preview that loads after a change gets the current values too, once it listens (it says so).
  addEventListener("message", (e) => {
    const d = e.data;
    if (e.origin !== location.origin || !d || d.type !== MESSAGE_TYPE || d.name !== PREVIEW_READY) return;
    const frame = [...frames()].find((f) => f.contentWindow === e.source);
    if (frame && current) post(frame, current);
  });
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const label = button.textContent;
    let restore = 0;
    button.addEventListener("click", async () => {
      const out = document.getElementById(`g-out-${button.dataset.copy}`);
      const ok = await copyOrSelect(out.textContent, out);
      for (const other of document.querySelectorAll("button[data-copied]")) other.removeAttribute("data-copied");
      clearTimeout(restore);
      if (ok) {
        button.setAttribute("data-copied", "");
        button.textContent = words.copied_short || label;
        restore = setTimeout(() => {
          button.textContent = label;
          button.removeAttribute("data-copied");
        }, 2000);
      }
      announce(ok ? words.copied : words.copy_selected);
    });
  }
  update();
}
