// One message's element: built from the page's templates, then brought up to date with the message
// (answer text, progress, note, error, sources, actions). Text only, never HTML, except
// the answer, which goes through the sanitizing renderer.
import { $, clone, h, show } from "../dom.js";
import { errorKey, formatCount } from "../i18n.js";
import { renderReply } from "../answer/render.js";
import { gateImages } from "../markdown.js";
import { loadChunk } from "./lazy.js";
import { enhance } from "../rich/enhance.js";

/** ctx: {t, lang, cfg, preview, send(text), running(), plain(box, text, render)} */
export function buildNode(m, { t }) {
  if (m.role === "user") {
    const li = clone("cs-tpl-user");
    const text = $("[data-cs-msg-text]", li);
    text.textContent = m.text;
    text.dir = "auto"; // a Hebrew question on an English page (and the reverse) reads the right way
    return li;
  }
  const li = clone("cs-tpl-bot");
  $("[data-cs-answer]", li).dir = "auto";
  $('[data-cs-action="copy"]', li).textContent = t("copy");
  $('[data-cs-action="regenerate"]', li).textContent = t("regenerate");
  $('[data-cs-action="retry"]', li).textContent = t("retry");
  $("[data-cs-sources-label]", li).textContent = t("sources");
  return li;
}

// After a stale conversation was restarted: a divider above the question that began the new one.
// It follows `restarted` on the stored answer, so it survives a reload.
function syncRestartDivider(li, m, t) {
  if (!m.restarted || li.csDivider || !li.previousElementSibling) return;
  li.csDivider = h("li", { class: "cs-divider", "data-cs-restarted": "", text: t("restartedDivider") });
  li.previousElementSibling.before(li.csDivider);
}

export function renderBot(li, m, last, ctx) {
  const { t } = ctx;
  syncRestartDivider(li, m, t);
  const answer = $("[data-cs-answer]", li);
  const streaming = !!m.streaming;
  if (li.csText !== m.text || li.csStreaming !== streaming || li.csThinks !== m.thinks) {
    ctx.plain(answer, m.text, () => renderReply(answer, m.text, m));
    li.csText = m.text;
    li.csStreaming = streaming;
    li.csThinks = m.thinks;
  }
  renderFiles(li, answer, m, ctx);
  enhance(answer, m.streaming, ctx);
  li.setAttribute("aria-busy", m.streaming ? "true" : "false");
  show($("[data-cs-typing]", li), m.streaming && !m.text);
  renderProgress(li, m, ctx);

  const note = $("[data-cs-note]", li);
  note.textContent = m.interrupted ? t("interrupted") : m.stopped ? t("stopped") : "";
  show(note, !!note.textContent);

  const err = $("[data-cs-error]", li);
  show(err, !!m.error);
  if (m.error) {
    err.setAttribute("role", "alert");
    err.dataset.csCode = m.error.code;
    $("[data-cs-error-text]", err).textContent = t(errorKey(m.error.code));
    show($('[data-cs-action="retry"]', err), last);
  }

  renderSources(li, m, ctx);

  show($("[data-cs-actions]", li), !m.streaming && (!!m.text || last));
  show($('[data-cs-action="copy"]', li), !!m.text);
  show($('[data-cs-action="regenerate"]', li), last && !m.error && !ctx.running());
}

/** A suggested question as a button that sends it. */
export function chip(q, send) {
  return h("li", {}, h("button", { type: "button", class: "cs-chip", dir: "auto", text: q, onclick: () => send(q) }));
}

function renderProgress(li, m, { t, lang, cfg }) {
  const progress = $("[data-cs-progress]", li);
  const hasProgress = cfg.showProgress !== false && (m.steps.length > 0 || m.tools.length > 0);
  show(progress, hasProgress);
  if (!hasProgress) return;
  const working = m.streaming && m.steps.some((s) => s.status === "running");
  const current = m.steps.findLast((s) => s.status === "running");
  const count = m.steps.length + m.tools.reduce((n, tool) => n + tool.names.length, 0);
  $("[data-cs-progress-label]", li).textContent =
    m.streaming && (working || !m.text)
      ? current && current.title
        ? `${t("thinking")} ${current.title}`
        : t("thinking")
      : `${t("steps")} (${formatCount(lang, count)})`;
  if (li.csSteps === m.steps && li.csTools === m.tools) return;
  li.csSteps = m.steps;
  li.csTools = m.tools;
  const state = (s) => (s.status === "running" ? "running" : s.status === "succeeded" ? "done" : "failed");
  $("[data-cs-steps]", li).replaceChildren(
    ...m.steps.map((s) =>
      h(
        "li",
        { class: `cs-step cs-step-${state(s)}`, dir: "auto" },
        h("span", { text: s.title }),
        state(s) === "failed" ? h("span", { class: "cs-muted", text: ` (${t("stepFailed")})` }) : null,
      ),
    ),
    ...m.tools.flatMap((tool) => tool.names.map((name, i) => toolStep(tool, name, i, { t, lang, cfg }))),
  );
}

// A tool by its label in the page's language (`tool_labels` is keyed by Dify's en_US, zh_Hans...).
export function toolLabel(tool, name, lang) {
  const labels = (tool.labels && tool.labels[name]) || {};
  const want = String(lang).replace("-", "_").toLowerCase();
  const keys = Object.keys(labels);
  const key =
    keys.find((k) => k.toLowerCase() === want) ||
    keys.find((k) => k.toLowerCase().split("_")[0] === want.split("_")[0]) ||
    keys.find((k) => k === "en_US");
  return (key && labels[key]) || name;
}

// With show_tool_details the server sends the input and output: collapsed, as code (lazy `details`).
function toolStep(tool, name, i, { t, lang, cfg }) {
  const text = t("usedTool", { name: toolLabel(tool, name, lang) });
  const li = h("li", { class: "cs-step cs-step-done", dir: "auto", text });
  if (i === 0 && (tool.input || tool.output))
    loadChunk(cfg.chunks, "details").then((d) => li.replaceChildren(d.toolDetails(text, tool, t)), noop);
  return li;
}

const noop = () => {};

// Images the app sent as files: a small gallery under the answer (lazy `details`), gated like images in answers.
function renderFiles(li, answer, m, { t, cfg }) {
  if (li.csFiles === m.files) return;
  li.csFiles = m.files;
  if (li.csGallery) li.csGallery.remove();
  li.csGallery = null;
  if (!Array.isArray(m.files) || !m.files.length) return;
  loadChunk(cfg.chunks, "details").then((d) => {
    if (li.csFiles !== m.files) return;
    li.csGallery = d.gallery(m.files, t, gateImages);
    answer.after(li.csGallery);
  }, noop);
}

function renderSources(li, m, { t, lang, cfg, preview }) {
  const sources = $("[data-cs-sources]", li);
  if (preview) sources.open = true;
  const cites = cfg.showSources !== false && Array.isArray(m.citations) ? m.citations : [];
  show(sources, cites.length > 0);
  if (!cites.length || li.csCites === m.citations) return;
  li.csCites = m.citations;
  $("[data-cs-sources-label]", li).textContent = `${t("sources")} (${formatCount(lang, cites.length)})`;
  $("[data-cs-source-list]", li).replaceChildren(
    ...cites.map((c) =>
      h(
        "li",
        { class: "cs-source", dir: "auto" },
        h("span", { class: "cs-source-name", text: c.document || c.dataset || "—" }),
        c.dataset && c.document ? h("span", { class: "cs-source-set", text: c.dataset }) : null,
        c.content
          ? h("p", {
              class: "cs-source-text",
              text: c.content.length > 400 ? c.content.slice(0, 400) + "…" : c.content,
            })
          : null,
      ),
    ),
  );
}
