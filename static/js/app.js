// The chat page controller: conversation state, sending and streaming, rendering, persistence.
import { $, $$, clone, emit, h, show } from "./dom.js";
import { errorKey, formatWait, pickLanguage, translator } from "./i18n.js";
import { createInputForm } from "./inputs.js";
import { renderAnswer, setCodeCopy, setImageHosts, setImageLabel, setMarkdown, setRenderFailure } from "./markdown.js";
import { sampleConversation } from "./preview.js";
import { emptyAnswer, reduce } from "./reduce.js";
import { createStore, memoryBackend, newId } from "./store.js";
import { talk, unlock } from "./talk.js";

const ACCESS_CODES = new Set(["unauthorized", "access_required", "invalid_token", "token_expired"]);
const COLOR = /^#[0-9a-fA-F]{3,8}$/;
const SAVE_EVERY_MS = 700;

export function startApp(root, cfg) {
  const html = document.documentElement;
  const query = new URLSearchParams(location.search);
  const lang = pickLanguage(cfg.language, query.get("lang"), navigator.languages || [navigator.language]);
  const t = translator(lang);
  const bot = cfg.botName || "Assistant";
  const preview = !!cfg.preview;
  const urls = cfg.urls || { talk: "talk", unlock: "unlock" };
  html.lang = lang;

  // --- look: theme, accent, embed -------------------------------------------------------------
  const theme = [cfg.theme, query.get("theme")].find((v) => v === "light" || v === "dark");
  if (theme) {
    html.dataset.theme = theme;
    $('meta[name="color-scheme"]')?.setAttribute("content", theme);
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

  if (typeof cfg.avatarUrl === "string" && /^https:\/\//i.test(cfg.avatarUrl)) {
    const boxes = [
      ...$$(".cs-avatar", root),
      ...$$("template", root).flatMap((tp) => [...tp.content.querySelectorAll(".cs-avatar")]),
    ];
    const initial = bot.slice(0, 1).toUpperCase();
    for (const box of boxes) {
      const img = h("img", { src: cfg.avatarUrl, alt: "", referrerpolicy: "no-referrer", decoding: "async" });
      img.addEventListener("error", () => img.replaceWith(initial));
      box.replaceChildren(img);
    }
  }

  // --- hooks ----------------------------------------------------------------------------------
  const el = {
    log: $("[data-cs-log]", root),
    scroll: $("[data-cs-scroll]", root),
    empty: $("[data-cs-empty]", root),
    welcome: $("[data-cs-welcome]", root),
    suggestBox: $("[data-cs-suggestions-box]", root),
    suggestions: $("[data-cs-suggestions]", root),
    inputsForm: $("[data-cs-inputs]", root),
    fields: $("[data-cs-fields]", root),
    composer: $("[data-cs-composer]", root),
    input: $("[data-cs-input]", root),
    send: $('[data-cs-action="send"]', root),
    stop: $('[data-cs-action="stop"]', root),
    jump: $('[data-cs-action="jump"]', root),
    notice: $("[data-cs-notice]", root),
    live: $("[data-cs-live]", root),
    drawer: $("[data-cs-drawer]", root),
    drawerBtn: $('[data-cs-action="drawer"]', root),
    convList: $("[data-cs-conversations]", root),
    convEmpty: $("[data-cs-conversations-empty]", root),
    access: $("[data-cs-access]", root),
    accessForm: $("[data-cs-access-form]", root),
    accessCode: $("[data-cs-access-code]", root),
    accessError: $("[data-cs-access-error]", root),
  };

  for (const n of $$("[data-cs-text]", root)) n.textContent = t(n.dataset.csText);
  for (const n of $$("[data-cs-label]", root)) {
    n.setAttribute("aria-label", t(n.dataset.csLabel));
    n.title = t(n.dataset.csLabel);
  }
  for (const n of $$("[data-cs-title]", root)) n.textContent = bot;
  el.input.placeholder = cfg.placeholder || t("placeholder", { bot });
  setCodeCopy(t("copyCode"), (text, btn) => copyText(text, btn, t("copyCode")));
  setImageHosts(cfg.imageHosts);
  setImageLabel((host) => t("imageShow", { host }));
  setRenderFailure(() => renderFailed());
  let lastRenderFailure = 0; // declared before the welcome renders: renderFailed may run that early

  // --- notices (storage, configuration) -------------------------------------------------------
  const notices = new Set();
  function notice(key, on = true) {
    if (on) notices.add(key);
    else notices.delete(key);
    el.notice.textContent = [...notices].map((k) => t(k)).join(" ");
    show(el.notice, notices.size > 0);
  }
  const store = preview
    ? createStore(cfg.hookId, memoryBackend())
    : createStore(cfg.hookId, undefined, {
        onDegrade: (why) => notice(why === "full" ? "storageFull" : "storageUnavailable"),
      });
  if (store.degraded) notice(store.degraded === "full" ? "storageFull" : "storageUnavailable");
  if (cfg.appConfigured === false) notice("notConfigured");
  if (cfg.accessMisconfigured) notice("accessMisconfigured");

  // --- welcome, suggestions, input form -------------------------------------------------------
  // A locked page has none of them in its HTML: they come with the unlock answer (`page`).
  const locked = !!cfg.accessRequired && !preview;
  let form = createInputForm(el.fields, [], t);
  function applyPage(p) {
    const welcome = p.welcome || t("welcome");
    showPlainOnFailure(el.welcome, welcome, () => setMarkdown(el.welcome, welcome));
    const suggestions = (Array.isArray(p.suggestions) ? p.suggestions : []).filter((s) => typeof s === "string" && s);
    el.suggestions.replaceChildren(
      ...suggestions.map((q) =>
        h("li", {}, h("button", { type: "button", class: "cs-chip", text: q, onclick: () => send(q) })),
      ),
    );
    show(el.suggestBox, suggestions.length > 0);
    el.fields.replaceChildren();
    form = createInputForm(el.fields, p.inputForm, t);
    show(
      $("[data-cs-text='formHint']", root),
      (Array.isArray(p.inputForm) ? p.inputForm : []).some((f) => f && f.required),
    );
    el.input.placeholder = (typeof p.placeholder === "string" && p.placeholder) || t("placeholder", { bot });
    notice("paramsUnavailable", cfg.appConfigured !== false && !!p.paramsUnavailable);
    if (conv) {
      show(el.inputsForm, conv.messages.length === 0 && form.size > 0);
      form.set(conv.inputs);
    }
  }
  let extraInputs = {}; // inputs set by the host page that have no field in the form

  // --- state ----------------------------------------------------------------------------------
  let conv = null;
  let running = null; // {controller, index}
  let pendingAfterUnlock = null;
  const nodes = []; // one <li> per message of conv
  const dirty = new Set();
  let frame = 0;
  let stick = true;
  let lastSave = 0;

  function fresh() {
    return { id: newId(), conversationId: null, title: "", updated: Date.now(), messages: [], inputs: {} };
  }

  // Stored data is untrusted: whatever is wrong with it, the page starts (with a fresh conversation).
  function load() {
    try {
      return loadStored();
    } catch {
      return fresh();
    }
  }

  function loadStored() {
    if (preview) return sampleConversation();
    const id = store.get("current");
    const c = (typeof id === "string" && store.load(id)) || fresh();
    // An answer still streaming when the page went away: keep its text, mark it interrupted.
    c.messages = c.messages.map((m) =>
      m && m.role === "bot" && m.streaming ? { ...m, streaming: false, interrupted: true } : m,
    );
    return c;
  }

  function save(force = true) {
    if (preview || !conv.messages.length) return;
    const now = Date.now();
    if (!force && now - lastSave < SAVE_EVERY_MS) return;
    lastSave = now;
    conv.updated = now;
    store.save(conv);
    store.set("current", conv.id);
  }

  // --- rendering ------------------------------------------------------------------------------
  function buildNode(m) {
    if (m.role === "user") {
      const li = clone("cs-tpl-user");
      $("[data-cs-msg-text]", li).textContent = m.text;
      return li;
    }
    const li = clone("cs-tpl-bot");
    $('[data-cs-action="copy"]', li).textContent = t("copy");
    $('[data-cs-action="regenerate"]', li).textContent = t("regenerate");
    $('[data-cs-action="retry"]', li).textContent = t("retry");
    $("[data-cs-sources-label]", li).textContent = t("sources");
    return li;
  }

  // After a stale conversation was restarted: a divider above the question that began the new one.
  // It follows `restarted` on the stored answer, so it survives a reload.
  function syncRestartDivider(li, m) {
    if (!m.restarted || li.csDivider || !li.previousElementSibling) return;
    li.csDivider = h("li", { class: "cs-divider", "data-cs-restarted": "", text: t("restartedDivider") });
    li.previousElementSibling.before(li.csDivider);
  }

  function renderBot(li, m, last) {
    syncRestartDivider(li, m);
    const answer = $("[data-cs-answer]", li);
    if (li.csText !== m.text) {
      showPlainOnFailure(answer, m.text, () => renderAnswer(answer, m.text));
      li.csText = m.text;
    }
    li.setAttribute("aria-busy", m.streaming ? "true" : "false");
    show($("[data-cs-typing]", li), m.streaming && !m.text);

    const progress = $("[data-cs-progress]", li);
    const hasProgress = cfg.showProgress !== false && (m.steps.length > 0 || m.tools.length > 0);
    show(progress, hasProgress);
    if (hasProgress) {
      const working = m.streaming && m.steps.some((s) => s.status === "running");
      const current = m.steps.findLast((s) => s.status === "running");
      const count = m.steps.length + m.tools.reduce((n, tool) => n + tool.names.length, 0);
      $("[data-cs-progress-label]", li).textContent =
        m.streaming && (working || !m.text)
          ? current && current.title
            ? `${t("thinking")} ${current.title}`
            : t("thinking")
          : `${t("steps")} (${count})`;
      if (li.csSteps !== m.steps || li.csTools !== m.tools) {
        li.csSteps = m.steps;
        li.csTools = m.tools;
        const list = $("[data-cs-steps]", li);
        list.replaceChildren(
          ...m.steps.map((s) =>
            h(
              "li",
              {
                class: `cs-step cs-step-${s.status === "running" ? "running" : s.status === "succeeded" ? "done" : "failed"}`,
              },
              h("span", { text: s.title }),
              s.status !== "running" && s.status !== "succeeded"
                ? h("span", { class: "cs-muted", text: ` (${t("stepFailed")})` })
                : null,
            ),
          ),
          ...m.tools.flatMap((tool) =>
            tool.names.map((name) => h("li", { class: "cs-step cs-step-done", text: t("usedTool", { name }) })),
          ),
        );
      }
    }

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

    const sources = $("[data-cs-sources]", li);
    if (preview) sources.open = true;
    const cites = cfg.showSources !== false && Array.isArray(m.citations) ? m.citations : [];
    show(sources, cites.length > 0);
    if (cites.length && li.csCites !== m.citations) {
      li.csCites = m.citations;
      $("[data-cs-sources-label]", li).textContent = `${t("sources")} (${cites.length})`;
      $("[data-cs-source-list]", li).replaceChildren(
        ...cites.map((c) =>
          h(
            "li",
            { class: "cs-source" },
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

    const follow = $("[data-cs-followups]", li);
    const fups = !m.streaming && last && Array.isArray(m.followups) ? m.followups : [];
    if (follow.childElementCount !== fups.length)
      follow.replaceChildren(
        ...fups.map((q) =>
          h("li", {}, h("button", { type: "button", class: "cs-chip", text: q, onclick: () => send(q) })),
        ),
      );
    show(follow, fups.length > 0);

    show($("[data-cs-actions]", li), !m.streaming && (!!m.text || last));
    show($('[data-cs-action="copy"]', li), !!m.text);
    show($('[data-cs-action="regenerate"]', li), last && !m.error && !running);
  }

  function renderMessage(i) {
    const m = conv.messages[i];
    if (!m) return;
    if (!nodes[i]) {
      nodes[i] = buildNode(m);
      el.log.append(nodes[i]);
    }
    if (m.role === "bot")
      showPlainOnFailure($("[data-cs-answer]", nodes[i]), m.text, () =>
        renderBot(nodes[i], m, i === conv.messages.length - 1),
      );
  }

  function renderAll() {
    el.log.replaceChildren();
    nodes.length = 0;
    conv.messages.forEach((_, i) => renderMessage(i));
    const empty = conv.messages.length === 0;
    show(el.empty, empty);
    show(el.inputsForm, empty && form.size > 0);
    form.set(conv.inputs);
    stick = true;
    scrollDown();
  }

  function schedule(i) {
    dirty.add(i);
    if (!frame) frame = requestAnimationFrame(flush);
  }

  // At most one render per animation frame, however many deltas arrived in between.
  function flush() {
    frame = 0;
    for (const i of dirty) renderMessage(i);
    dirty.clear();
    if (stick) scrollDown();
  }

  function scrollDown() {
    el.scroll.scrollTop = el.scroll.scrollHeight;
    show(el.jump, false);
  }

  el.scroll.addEventListener(
    "scroll",
    () => {
      const gap = el.scroll.scrollHeight - el.scroll.scrollTop - el.scroll.clientHeight;
      stick = gap < 48;
      show(el.jump, !stick && conv.messages.length > 0);
    },
    { passive: true },
  );

  function announce(text) {
    el.live.textContent = "";
    setTimeout(() => (el.live.textContent = text), 60);
  }

  function setBusy(on) {
    show(el.send, !on);
    show(el.stop, on);
    root.classList.toggle("cs-streaming", on);
    if (on && document.activeElement === el.send) el.stop.focus();
    if (!on && document.activeElement === el.stop) el.input.focus();
  }

  // --- render failures: the text is shown as it is, the page keeps working ------------------------
  function renderFailed() {
    // Once a second at most: a hostile answer fails again on every streamed frame.
    if (Date.now() - lastRenderFailure < 1000) return;
    lastRenderFailure = Date.now();
    emit("error", { code: "render_failed", message: t("renderFailed") });
  }

  function showPlainOnFailure(box, text, render) {
    try {
      render();
    } catch {
      if (box) box.replaceChildren(h("p", { class: "cs-md-plain", text: String(text ?? "") }));
      renderFailed();
    }
  }

  // --- sending --------------------------------------------------------------------------------
  function inputsNow() {
    return { ...conv.inputs, ...extraInputs, ...(form.size ? form.values() : {}) };
  }

  // Returns true when the message was accepted (the composer may then be cleared).
  function send(text, { again = false } = {}) {
    text = String(text ?? "").trim();
    if (!text || running || cfg.appConfigured === false || cfg.accessMisconfigured) return false;
    if (form.size && conv.messages.length === 0) {
      const bad = form.check();
      if (bad) {
        bad.focus();
        return false;
      }
    }
    const prevLast = conv.messages.length - 1;
    if (!again) {
      conv.messages.push({ role: "user", text });
      if (!conv.title) conv.title = text.slice(0, 80);
      emit("message", { text, conversationId: conv.conversationId });
    }
    if (conv.messages.length <= 2) conv.inputs = inputsNow();
    show(el.empty, false);
    show(el.inputsForm, false);
    const index = conv.messages.push({ ...emptyAnswer(), streaming: true }) - 1;
    // The previous answer loses its Regenerate button.
    if (!again && conv.messages[prevLast]?.role === "bot") schedule(prevLast);
    stick = true;
    renderMessage(index - 1);
    renderMessage(index);
    scrollDown();
    if (preview) {
      conv.messages[index] = { ...emptyAnswer(), text: t("preview"), done: true };
      schedule(index);
      return true;
    }
    save();
    if (cfg.accessRequired && !validToken()) {
      pendingAfterUnlock = () => stream(index, text);
      openAccess();
      return true;
    }
    stream(index, text);
    return true;
  }

  async function stream(index, text) {
    const controller = new AbortController();
    running = { controller, index };
    setBusy(true);
    const owner = conv;
    let m = conv.messages[index];
    const body = { query: text, conversation_id: conv.conversationId, inputs: inputsNow(), response_mode: "streaming" };
    let needAccess = false;
    try {
      await talk(urls.talk, body, {
        token: cfg.accessRequired ? validToken() : null,
        signal: controller.signal,
        onEvent(ev) {
          m = reduce(m, ev);
          if (owner !== conv) return;
          if (ev.event === "conversation_restarted" || (m.conversationId && m.conversationId !== conv.conversationId))
            conv.conversationId = m.conversationId;
          conv.messages[index] = { ...m, streaming: !m.done };
          schedule(index);
          save(false);
        },
      });
    } catch (e) {
      if (e && e.name === "AbortError") m = { ...m, stopped: true };
      else {
        const code = (e && e.code) || "network_error";
        m = { ...m, error: { code, message: (e && e.message) || "", status: (e && e.status) || null } };
        needAccess = cfg.accessRequired && (e.status === 401 || ACCESS_CODES.has(code));
      }
    }
    m = { ...m, streaming: false, done: true };
    running = null;
    if (owner !== conv) {
      // The visitor switched conversations mid-answer: finish storing it where it belongs.
      owner.messages[index] = m;
      if (!preview) store.save(owner);
      setBusy(false);
      return;
    }
    conv.messages[index] = m;
    save();
    // Final render now (not on the next frame), so the finished state and the idle composer appear together.
    dirty.delete(index);
    renderMessage(index);
    if (stick) scrollDown();
    setBusy(false);
    if (m.error) {
      emit("error", { code: m.error.code, message: t(errorKey(m.error.code)) });
      if (needAccess) {
        store.remove("token");
        pendingAfterUnlock = () => retry(index);
        openAccess();
      }
    } else if (!m.stopped) {
      announce(
        `${t("answerFrom", { bot })} ${$("[data-cs-answer]", nodes[index])?.textContent || m.text}`.slice(0, 4000),
      );
      emit("answer", { text: m.text, messageId: m.messageId, conversationId: conv.conversationId });
    }
  }

  // Regenerate and Retry: drop the answer at `index` and ask the same question again.
  function retry(index) {
    if (running) return;
    const q = conv.messages[index - 1];
    if (!q || q.role !== "user") return;
    conv.messages.splice(index);
    for (const n of nodes.splice(index)) {
      if (n.csDivider) n.csDivider.remove();
      n.remove();
    }
    send(q.text, { again: true });
  }

  function stop() {
    if (running) running.controller.abort();
  }

  // --- access code ----------------------------------------------------------------------------
  function validToken() {
    const tok = store.get("token");
    if (!tok || typeof tok.token !== "string") return null;
    let exp = tok.expiresAt;
    if (typeof exp === "string") exp = Date.parse(exp);
    else if (typeof exp === "number" && exp < 1e12) exp *= 1000; // seconds
    if (typeof exp === "number" && Number.isFinite(exp) && exp <= Date.now()) return null;
    return tok.token;
  }

  function openAccess(message = "") {
    el.accessError.textContent = message;
    if (!el.access.open) el.access.showModal();
    el.accessCode.focus();
  }

  el.accessForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const code = el.accessCode.value.trim();
    if (!code) return (el.accessError.textContent = t("required", { label: t("accessLabel") }));
    try {
      const tok = await unlock(urls.unlock, code);
      store.set("token", { token: tok.token, expiresAt: tok.expiresAt });
      if (tok.page) applyPage(tok.page);
      el.accessCode.value = "";
      el.access.close();
      el.input.focus();
      const next = pendingAfterUnlock;
      pendingAfterUnlock = null;
      if (next) next();
    } catch (err) {
      el.accessError.textContent =
        err.code === "too_many_attempts"
          ? t("accessTooMany", { time: formatWait(lang, err.retryAfter) })
          : err.code === "network_error"
            ? t("err.network")
            : err.code === "invalid_access_code"
              ? t("accessWrong")
              : t(errorKey(err.code));
      el.accessCode.setAttribute("aria-invalid", "true");
      el.accessCode.select();
    }
  });
  // Without a valid code nothing works: the gate cannot be dismissed (outside embed mode).
  el.access.addEventListener("cancel", (e) => {
    if (!cfg.embed) e.preventDefault();
  });

  // --- conversations --------------------------------------------------------------------------
  function setConversation(c) {
    if (running) stop();
    conv = c;
    if (!preview) {
      if (c.messages.length) store.set("current", c.id);
      else store.remove("current");
    }
    renderAll();
    emit("conversation", { conversationId: conv.conversationId });
  }

  function newConversation() {
    setConversation(fresh());
    el.input.focus();
  }

  function renderConversations() {
    const items = store.list();
    el.convList.replaceChildren(
      ...items.map((c) => {
        const li = clone("cs-tpl-conv");
        li.dataset.csConvId = c.id;
        const title = c.title || t("untitled");
        $("[data-cs-conv-title]", li).textContent = title;
        const open = $('[data-cs-action="open-conv"]', li);
        if (c.id === conv.id) open.setAttribute("aria-current", "true");
        open.addEventListener("click", () => {
          const loaded = store.load(c.id);
          if (loaded) setConversation(loaded);
          closeDrawer();
        });
        const ren = $('[data-cs-action="rename-conv"]', li);
        ren.setAttribute("aria-label", `${t("rename")}: ${title}`);
        ren.title = t("rename");
        ren.addEventListener("click", () => renameRow(li, c));
        const del = $('[data-cs-action="delete-conv"]', li);
        del.setAttribute("aria-label", `${t("delete")}: ${title}`);
        del.title = t("delete");
        del.addEventListener("click", () => deleteRow(li, c));
        return li;
      }),
    );
    show(el.convEmpty, items.length === 0);
  }

  function renameRow(li, c) {
    const field = h("input", {
      class: "cs-field-input",
      value: c.title || "",
      "aria-label": t("renameLabel"),
      maxlength: "120",
    });
    const done = (ok) => {
      if (ok) {
        const title = field.value.trim().slice(0, 120);
        store.rename(c.id, title);
        if (c.id === conv.id) conv.title = title;
      }
      renderConversations();
      $(`[data-cs-conv-id="${CSS.escape(c.id)}"] [data-cs-action="rename-conv"]`, el.convList)?.focus();
    };
    const row = h(
      "form",
      { class: "cs-conv-edit", onsubmit: (e) => (e.preventDefault(), done(true)) },
      field,
      h("button", { type: "submit", class: "cs-btn cs-btn-primary", text: t("save") }),
      h("button", { type: "button", class: "cs-btn", text: t("cancel"), onclick: () => done(false) }),
    );
    field.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        done(false);
      }
    });
    li.replaceChildren(row);
    field.focus();
    field.select();
  }

  function deleteRow(li, c) {
    const row = h(
      "div",
      { class: "cs-conv-edit", role: "group", "aria-label": t("deleteConfirm") },
      h("span", { class: "cs-conv-ask", text: t("deleteConfirm") }),
      h("button", {
        type: "button",
        class: "cs-btn cs-btn-danger",
        text: t("delete"),
        onclick: () => {
          store.delete(c.id);
          if (c.id === conv.id) setConversation(fresh());
          renderConversations();
          $("[data-cs-action='new']", el.drawer).focus();
        },
      }),
      h("button", { type: "button", class: "cs-btn", text: t("cancel"), onclick: () => renderConversations() }),
    );
    li.replaceChildren(row);
    row.querySelector("button").focus();
  }

  function openDrawer() {
    renderConversations();
    el.drawer.showModal();
    el.drawerBtn.setAttribute("aria-expanded", "true");
    ($('[aria-current="true"]', el.drawer) || $("[data-cs-action='new']", el.drawer)).focus();
  }

  function closeDrawer() {
    if (el.drawer.open) el.drawer.close();
  }
  el.drawer.addEventListener("close", () => {
    el.drawerBtn.setAttribute("aria-expanded", "false");
    if (!el.access.open) el.drawerBtn.focus();
  });
  // A click on the backdrop (outside the panel) closes the drawer.
  el.drawer.addEventListener("click", (e) => {
    if (e.target === el.drawer) {
      const r = el.drawer.getBoundingClientRect();
      if (e.clientX > r.right || e.clientX < r.left || e.clientY < r.top || e.clientY > r.bottom) closeDrawer();
    }
  });

  function exportMarkdown() {
    if (!conv.messages.length) return;
    const lines = [`# ${conv.title || bot}`, ""];
    for (const m of conv.messages) {
      lines.push(`**${m.role === "user" ? t("you") : bot}:**`, "", m.text || "", "");
      if (m.role === "bot" && cfg.showSources !== false && m.citations?.length) {
        lines.push(`${t("sources")}:`, ...m.citations.map((c) => `- ${c.document || c.dataset}`), "");
      }
    }
    const url = URL.createObjectURL(new Blob([lines.join("\n")], { type: "text/markdown;charset=utf-8" }));
    const name =
      (conv.title || "conversation")
        .replace(/[^\p{L}\p{N}]+/gu, "-")
        .replace(/^-|-$/g, "")
        .slice(0, 60) || "conversation";
    const a = h("a", { href: url, download: `${name}.md` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  async function copyText(text, btn, label) {
    try {
      await navigator.clipboard.writeText(text);
      btn.textContent = t("copied");
      setTimeout(() => (btn.textContent = label), 1500);
    } catch {
      /* clipboard refused (permissions policy): nothing sensible to do */
    }
  }

  // --- wiring ---------------------------------------------------------------------------------
  el.composer.addEventListener("submit", (e) => {
    e.preventDefault();
    if (send(el.input.value)) el.input.value = "";
  });
  el.input.addEventListener("keydown", (e) => {
    // Enter sends; Shift+Enter is a newline; never while an IME is composing (229 = IME in progress).
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      el.composer.requestSubmit();
    }
  });
  el.stop.addEventListener("click", stop);
  // The page may go away mid-answer: keep what has arrived so far (marked interrupted on return).
  addEventListener("pagehide", () => save());
  el.jump.addEventListener("click", () => {
    stick = true;
    scrollDown();
    el.input.focus();
  });

  root.addEventListener("click", (e) => {
    const btn = e.target.closest("[data-cs-action]");
    if (!btn) return;
    const action = btn.dataset.csAction;
    const li = btn.closest(".cs-msg");
    const index = li ? nodes.indexOf(li) : -1;
    if (action === "drawer") openDrawer();
    else if (action === "drawer-close") closeDrawer();
    else if (action === "new") {
      closeDrawer();
      newConversation();
    } else if (action === "export") exportMarkdown();
    else if (action === "close") emit("close");
    else if (action === "expand") emit("expand");
    else if (action === "copy" && index >= 0) copyText(conv.messages[index].text, btn, t("copy"));
    else if ((action === "regenerate" || action === "retry") && index >= 0) retry(index);
  });

  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || e.defaultPrevented || el.drawer.open || el.access.open) return;
    if (running) {
      e.preventDefault();
      stop();
    } else if (cfg.embed) emit("close");
  });

  document.addEventListener("chatskins:command", (e) => {
    const d = e.detail || {};
    if (d.action === "send") send(d.text);
    else if (d.action === "reset") newConversation();
    else if (d.action === "setInputs" && d.inputs && typeof d.inputs === "object") {
      extraInputs = { ...extraInputs, ...d.inputs };
      form.set(d.inputs);
    } else if (d.action === "focus") el.input.focus();
  });

  if (cfg.appConfigured === false || cfg.accessMisconfigured) {
    el.input.disabled = true;
    el.send.disabled = true;
  }

  if (!locked) applyPage(cfg);
  conv = load();
  renderAll();
  root.setAttribute("aria-busy", "false");
  html.dataset.ready = "";
  if (locked && !cfg.accessMisconfigured) {
    const held = validToken();
    if (!held) openAccess();
    else {
      // A returning visitor: the token brings the private content back; a refused token asks for the code.
      unlock(urls.unlock, null, undefined, held).then(
        (tok) => tok.page && applyPage(tok.page),
        (err) => {
          if (err && err.status === 401) {
            store.remove("token");
            openAccess();
          }
        },
      );
    }
  }
  emit("ready", { skin: cfg.skin, conversationId: conv.conversationId });
}
