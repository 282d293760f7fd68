// The page's look from its config: language and direction, theme, accent colours, embed mode, avatar,
// and the interface texts of the static template. The server decided all of them; this only applies them.
import { $, $$, h } from "../dom.js";

const COLOR = /^#[0-9a-fA-F]{3,8}$/;

export function applyLook(root, cfg, { lang, bot }) {
  const html = document.documentElement;
  html.lang = lang;
  if (cfg.dir === "rtl" || cfg.dir === "ltr") html.dir = cfg.dir;
  if (cfg.theme === "light" || cfg.theme === "dark") {
    html.dataset.theme = cfg.theme;
    $('meta[name="color-scheme"]')?.setAttribute("content", cfg.theme);
  }
  if (cfg.accent && typeof cfg.accent === "object") {
    const pairs = [
      ["--cs-accent", cfg.accent.accent],
      ["--cs-on-accent", cfg.accent.onAccent],
      ["--cs-accent-text-light", cfg.accent.accentText],
      ["--cs-accent-text-dark", cfg.accent.accentTextDark],
    ];
    for (const [name, v] of pairs) if (typeof v === "string" && COLOR.test(v)) html.style.setProperty(name, v);
  }
  if (cfg.embed) {
    html.setAttribute("data-embed", "");
    for (const el of $$("[data-cs-embed-only]", root)) el.hidden = false;
  }
  if (typeof cfg.avatarUrl === "string" && /^https:\/\//i.test(cfg.avatarUrl)) setAvatar(root, cfg.avatarUrl, bot);
  // A logo that does not load leaves the bot's name alone in the header rather than a broken image.
  const logo = $("[data-cs-logo] img", root);
  if (logo) {
    const gone = () => logo.parentElement.remove();
    if (logo.complete && !logo.naturalWidth) gone();
    else logo.addEventListener("error", gone);
  }
}

function setAvatar(root, url, bot) {
  const boxes = [
    ...$$(".cs-avatar", root),
    ...$$("template", root).flatMap((tp) => [...tp.content.querySelectorAll(".cs-avatar")]),
  ];
  const initial = bot.slice(0, 1).toUpperCase();
  for (const box of boxes) {
    const img = h("img", { src: url, alt: "", referrerpolicy: "no-referrer", decoding: "async" });
    img.addEventListener("error", () => img.replaceWith(initial));
    box.replaceChildren(img);
  }
}

/** Fills the template's texts and labels; marks the icons that point so a right-to-left page mirrors them. */
export function applyTexts(root, t, bot) {
  for (const n of $$("[data-cs-text]", root)) n.textContent = t(n.dataset.csText);
  for (const n of $$("[data-cs-label]", root)) {
    n.setAttribute("aria-label", t(n.dataset.csLabel));
    n.title = t(n.dataset.csLabel);
  }
  for (const n of $$("[data-cs-title]", root)) n.textContent = bot;
  // The stylesheets flip [data-cs-mirror] under dir="rtl" (the send arrow points the way text goes).
  $('[data-cs-action="send"] svg', root)?.setAttribute("data-cs-mirror", "");
}
