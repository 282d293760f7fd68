// A gallery preview wearing the visitor's "try your own" values: bot name, accent colours, avatar.
// The message was checked for origin and sender by preview.js; its shape and values are checked here.
import { $$, h } from "../dom.js";
import { trialFrom } from "../gallery/values.js";

const PROPS = [
  ["--cs-accent", "accent"],
  ["--cs-on-accent", "onAccent"],
  ["--cs-accent-text-light", "accentText"],
  ["--cs-accent-text-dark", "accentTextDark"],
];
const COLOR = /^#[0-9a-fA-F]{3,8}$/;

function avatars(root, url, name) {
  const boxes = [
    ...$$(".cs-avatar", root),
    ...$$("template", root).flatMap((tp) => [...tp.content.querySelectorAll(".cs-avatar")]),
  ];
  const initial = () => h("span", { class: "cs-avatar-initial", text: (Array.from(name)[0] || "").toUpperCase() });
  for (const box of boxes) {
    if (!url) {
      box.replaceChildren(initial());
      continue;
    }
    const img = h("img", { src: url, alt: "", referrerpolicy: "no-referrer", decoding: "async" });
    img.addEventListener("error", () => img.replaceWith(initial()));
    box.replaceChildren(img);
  }
}

/** Applies a "try" message; empty values go back to the page's own (its config). ctx: {root, cfg, t, bot, input}. */
export function applyTrial(data, { root, cfg, t, bot, input }) {
  const trial = trialFrom(data);
  if (!trial) return false;
  const name = trial.botName || bot;
  for (const n of $$("[data-cs-title]", root)) n.textContent = name;
  if (input && !cfg.placeholder) input.placeholder = t("placeholder", { bot: name });
  const palette = trial.accent || (cfg.accent && typeof cfg.accent == "object" ? cfg.accent : null);
  const style = document.documentElement.style;
  for (const [prop, k] of PROPS) {
    const v = palette?.[k];
    if (typeof v == "string" && COLOR.test(v)) style.setProperty(prop, v);
    else style.removeProperty(prop);
  }
  const own = typeof cfg.avatarUrl == "string" && /^https:\/\//i.test(cfg.avatarUrl) ? cfg.avatarUrl : "";
  avatars(root, trial.avatarUrl || own, name);
  document.documentElement.dataset.trial = "";
  return true;
}
