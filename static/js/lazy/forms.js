// Interactive answers (Dify's dialect), loaded only when an answer has one: message buttons, `abbr:`
// links, `#name` links, audio and video players for https media links, and forms. Forms are built
// with the DOM API from the sanitized form's parts: our own <form>, which never submits anywhere
// (the page's CSP has form-action 'none' too); its submit sends the values as the next message.
import { checkURL } from "../answer-urls.js";
import { h } from "../dom.js";
import { formMessage, parseOptions, safeName } from "../answer/form-values.js";

const VARIANTS = new Set(["primary", "secondary", "secondary-accent", "ghost", "ghost-accent", "tertiary", "warning"]);

/** A heading's anchor name, as `[x](#name)` links write it: lower case, spaces as dashes. */
export function slug(text) {
  return String(text)
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s+/g, "-");
}

function actionButton(api, props, text, onclick) {
  const b = h("button", { type: "button", "data-cs-act": "", dir: "auto", text, ...props });
  b.addEventListener("click", onclick);
  b.disabled = api.busy();
  return b;
}

const https = (raw) => {
  const c = checkURL(raw, "link");
  return c && c.url.protocol === "https:" ? c.url.href : null;
};

/** Makes the interactive nodes of an answer work (nodes no longer in the page are skipped). */
export function enhance(nodes, api) {
  for (const n of nodes) {
    if (!n.isConnected) continue;
    if (n.tagName === "A") link(n, api);
    else if (n.tagName === "BUTTON") button(n, api);
    else if (n.csSource) n.replaceChildren(buildForm(n.csSource, api));
  }
}

function link(a, api) {
  if (a.csSay != null) {
    const label = a.textContent;
    a.replaceWith(actionButton(api, { class: "cs-say", title: label }, label, () => api.say(a.csSay)));
  } else if (a.csAnchor) {
    const name = a.csAnchor;
    a.setAttribute("href", `#${name}`);
    a.addEventListener("click", (e) => {
      e.preventDefault();
      const box = a.closest("[data-cs-answer]") || a.parentNode;
      const target = [...box.querySelectorAll("h1,h2,h3,h4,h5,h6")].find((x) => slug(x.textContent) === name);
      if (target) target.scrollIntoView({ behavior: "smooth", block: "start" });
    });
  } else {
    // An https link to an audio or video file also gets a player (nothing loads until it plays).
    const url = https(a.getAttribute("href"));
    if (!url) return;
    const video = /\.(?:mp4|webm|ogv|mov|m4v)$/i.test(new URL(url).pathname);
    const media = h(video ? "video" : "audio", { class: "cs-media", controls: true, preload: "none" });
    media.src = url;
    a.after(media);
  }
}

function button(b, api) {
  const message = b.dataset.message || "";
  const link = https(b.dataset.link);
  const variant = VARIANTS.has(b.dataset.variant) ? b.dataset.variant : "secondary";
  const btn = actionButton(api, { class: `cs-act-btn cs-act-${variant}` }, b.textContent, () => {
    if (link) window.open(link, "_blank", "noopener,noreferrer");
    else api.say(message);
  });
  if (!message && !link) btn.disabled = btn.csDone = true;
  b.replaceWith(btn);
}

const MAX_PARTS = 40;
const MAX_VALUE = 2000;
const TYPES = new Set([
  "text",
  "password",
  "email",
  "number",
  "date",
  "time",
  "datetime",
  "checkbox",
  "select",
  "hidden",
]);
let forms = 0;

/** A working form for `source` (a sanitized, detached <form>); ctx: {say(text), t(key), busy()}. */
export function buildForm(source, { say, t, busy }) {
  const id = `cs-af${++forms}`;
  const format = source.getAttribute("data-format") === "json" ? "json" : "text";
  const form = h("form", { class: "cs-answer-form", novalidate: true, autocomplete: "off" });
  const fields = []; // [name, read()]
  const names = new Map(); // name -> control id, for labels
  const controls = [];
  let submit = null;
  const parts = [...source.querySelectorAll("label, input, textarea, select, button")].slice(0, MAX_PARTS);
  for (const part of parts) {
    const tag = part.tagName;
    const name = part.csName || "";
    const cid = `${id}-${fields.length}`;
    if (tag === "LABEL") {
      const label = h("label", { class: "cs-af-label", dir: "auto", text: part.textContent.trim() });
      label.csFor = part.getAttribute("for") || "";
      form.append(label);
    } else if (tag === "BUTTON") {
      if (!submit)
        submit = h("button", { type: "submit", class: "cs-act-btn cs-act-primary", text: part.textContent.trim() });
    } else if (safeName(name)) {
      const control = field(part, cid);
      if (!control) continue;
      if (control.input) control.input.csName = name;
      names.set(name, cid);
      fields.push([name, control.read]);
      if (control.el) {
        form.append(control.el);
        controls.push(control.input);
      }
    }
  }
  const labelled = new Set();
  for (const label of form.querySelectorAll(".cs-af-label")) {
    if (!names.has(label.csFor)) continue;
    label.htmlFor = names.get(label.csFor);
    labelled.add(label.htmlFor);
  }
  // A control without a <label for> is named by its placeholder or its name.
  for (const c of controls)
    if (!labelled.has(c.id) && !c.hasAttribute("aria-label") && !c.closest(".cs-af-check"))
      c.setAttribute("aria-label", c.placeholder || c.csName);
  submit = submit || h("button", { type: "submit", class: "cs-act-btn cs-act-primary" });
  if (!submit.textContent) submit.textContent = t("answer.formSend");
  submit.setAttribute("data-cs-act", "");
  submit.disabled = busy();
  form.append(submit);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    e.stopPropagation();
    if (submit.csDone || busy()) return;
    const text = formMessage(
      fields.map(([name, read]) => [name, read()]),
      format,
    );
    if (!say(text)) return;
    // Sent once, as in Dify's WebApp: the form keeps its values and stops.
    submit.csDone = true;
    submit.disabled = true;
    for (const c of controls) c.disabled = true;
  });
  return form;
}

function field(part, cid) {
  const tag = part.tagName;
  const value = (part.getAttribute("value") || "").slice(0, MAX_VALUE);
  const placeholder = part.getAttribute("placeholder") || "";
  if (tag === "TEXTAREA") {
    const input = h("textarea", { id: cid, class: "cs-af-input", rows: 3, dir: "auto", placeholder });
    input.value = part.textContent.slice(0, MAX_VALUE);
    return { el: input, input, read: () => input.value };
  }
  if (tag === "SELECT" || (tag === "INPUT" && part.getAttribute("type") === "select")) {
    const options =
      tag === "SELECT"
        ? [...part.querySelectorAll("option")].slice(0, 100).map((o) => o.getAttribute("value") ?? o.textContent)
        : parseOptions(part.getAttribute("data-options"));
    const input = h(
      "select",
      { id: cid, class: "cs-af-input" },
      ...options.map((o) => h("option", { value: o, text: o })),
    );
    const chosen = tag === "SELECT" ? part.querySelector("option[selected]") : null;
    if (chosen) input.value = chosen.getAttribute("value") ?? chosen.textContent;
    else if (value) input.value = value;
    return { el: input, input, read: () => input.value };
  }
  const type = (part.getAttribute("type") || "text").toLowerCase();
  if (!TYPES.has(type)) return null;
  if (type === "hidden") return { el: null, read: () => value };
  if (type === "checkbox") {
    const input = h("input", { type: "checkbox", id: cid });
    input.checked = part.hasAttribute("checked") || value === "true";
    const tip = part.getAttribute("data-tip") || "";
    const el = h("label", { class: "cs-af-check", dir: "auto" }, input, tip ? h("span", { text: tip }) : null);
    if (!tip) input.setAttribute("aria-label", part.csName);
    return { el, input, read: () => input.checked };
  }
  const input = h("input", {
    type: type === "datetime" ? "datetime-local" : type,
    id: cid,
    class: "cs-af-input",
    dir: "auto",
    placeholder,
  });
  input.value = value;
  return { el: input, input, read: () => (type === "datetime" ? input.value.replace("T", " ") : input.value) };
}
