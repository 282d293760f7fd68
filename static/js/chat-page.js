// Entry of the chat page bundle: reads the config the server put on #cs-app and wires the modules.
import { emit } from "./dom.js";
import { pageLanguage, translator } from "./i18n.js";
import { setCodeCopy, setImageHosts, setImageLabel, setRenderFailure } from "./markdown.js";
import { createStore, memoryBackend, memoryStore } from "./store.js";
import { talk } from "./talk.js";
import { createContent } from "./chat/content.js";
import { createController } from "./chat/controller.js";
import { createSaver, freshConversation, loadConversation } from "./chat/conversation.js";
import { createDrawer } from "./chat/drawer.js";
import { loadChunk } from "./chat/lazy.js";
import { hooks } from "./chat/hooks.js";
import { wireInput } from "./chat/keys.js";
import { applyLook, applyTexts } from "./chat/look.js";
import { createNotices } from "./chat/notices.js";
import { createView } from "./chat/view.js";
import { startVoice } from "./voice/loader.js";
import { setAnswerActions } from "./answer/actions.js";
import { setThinkLabels } from "./answer/render.js";
import { withoutThink } from "./answer/think.js";

function readConfig(root) {
  try {
    return JSON.parse(root.dataset.config || "{}") || {};
  } catch {
    return {}; // a broken config still gets a working page with defaults
  }
}

// An open page's gate: nothing to ask, no token (the access chunk is for pages with an access code).
const OPEN_GATE = { required: false, token: () => null };

/**
 * The chunks a page starts with when it needs them (see boot): `sample` (lazy/preview.js) for a preview,
 * `gate` (lazy/access.js) for a locked page; each null when not needed or not loaded.
 */
export function startChat(root, cfg, { sample = null, gate = null } = {}) {
  const lang = pageLanguage(cfg);
  const t = translator(cfg.strings);
  const bot = cfg.botName || "Assistant";
  const preview = !!cfg.preview;
  const urls = cfg.urls || { talk: "talk", unlock: "unlock" };
  const el = hooks(root);
  applyLook(root, cfg, { lang, bot });
  applyTexts(root, t, bot);
  el.input.placeholder = cfg.placeholder || t("placeholder", { bot });

  const notices = createNotices(el.notice, t);
  const degraded = (why) => notices.set(why === "full" ? "storageFull" : "storageUnavailable");
  const store = preview
    ? createStore(cfg.hookId, memoryBackend())
    : memoryStore(cfg.hookId, cfg.memory, { onDegrade: degraded });
  if (store.degraded) degraded(store.degraded);
  if (cfg.appConfigured === false) notices.set("notConfigured");
  if (cfg.accessMisconfigured) notices.set("accessMisconfigured");

  let ctl = null; // the controller; the view and the content need it before it exists
  const conv = () => ctl?.conv ?? null;
  const send = (text) => ctl.send(text);
  let content = null;
  const view = createView({
    el,
    root,
    t,
    lang,
    cfg,
    preview,
    conv,
    send,
    running: () => !!ctl?.running,
    form: () => content.form(),
  });
  setCodeCopy(t("copyCode"), (text, btn) => copyText(text, btn, t("copyCode")));
  setImageHosts(cfg.imageHosts);
  setImageLabel((host) => t("imageShow", { host }));
  setRenderFailure(() => view.failed());
  // Answer dialect: buttons, abbr: links and forms send through the controller, like the composer.
  setAnswerActions({ send: (q) => ctl.send(q), load: () => loadChunk(cfg.chunks, "forms"), t });
  setThinkLabels(t, lang);
  content = createContent({ el, cfg, t, bot, notices, plain: view.plain, send, conv });

  const access = gate
    ? gate.createAccess({
        el,
        cfg,
        t,
        lang,
        store,
        urls,
        onPage: content.apply,
        focusInput: () => el.input.focus(),
      })
    : OPEN_GATE;
  // A locked page has no welcome, suggestions or form in its HTML: they come with the unlock answer.
  const locked = !!cfg.accessRequired && !preview;
  if (!locked) content.apply(cfg);

  const save = createSaver(store, { off: preview });
  ctl = createController({
    cfg,
    t,
    bot,
    transport: { talk },
    view,
    gate: { ...access, required: access.required && !preview },
    form: content.gate,
    save,
    store,
    emit,
    conv: !preview ? loadConversation(store) : sample ? sample.sampleConversation(t) : freshConversation(),
    onLimit(text) {
      // The composer explains (its hint, which the box is described by); the question waits in the box.
      if (!el.input.value.trim()) el.input.value = text;
      const hint = root.querySelector("#cs-hint");
      hint.textContent = t("err.limit_reached");
      hint.dataset.csLimit = "";
      view.announce(hint.textContent);
      el.input.focus();
      const over = () => {
        hint.textContent = t("hint");
        delete hint.dataset.csLimit;
      };
      document.addEventListener("chatskins:answer", over, { once: true });
    },
  });
  const fresh = () => {
    ctl.switchTo(freshConversation());
    el.input.focus();
  };
  const drawer = createDrawer({
    el,
    t,
    store,
    current: conv,
    open: ctl.switchTo,
    startFresh: fresh,
    editing: () => loadChunk(cfg.chunks, "drawer-edit"),
  });

  async function copyText(text, btn, label) {
    try {
      await navigator.clipboard.writeText(text);
      btn.textContent = t("copied");
      setTimeout(() => (btn.textContent = label), 1500);
    } catch {
      /* clipboard refused (permissions policy): nothing sensible to do */
    }
  }

  function exportChat() {
    const conv = ctl.conv;
    loadChunk(cfg.chunks, "export").then(
      (m) =>
        m.exportConversation(conv, { bot, t, showSources: cfg.showSources !== false }) || notices.flash("exportEmpty"),
      () => {},
    );
  }

  wireInput({ el, cfg, ctl, view, drawer, emit, fresh, content, save });
  startVoice({ root, cfg, t, el, view, conv, token: () => (access.required ? access.token() : null) });
  root.addEventListener("click", (e) => {
    const btn = e.target.closest("[data-cs-action]");
    if (!btn) return;
    const action = btn.dataset.csAction;
    const li = btn.closest(".cs-msg");
    const index = li ? view.indexOf(li) : -1;
    if (action === "drawer") drawer.open();
    else if (action === "drawer-close") drawer.close();
    else if (action === "new") {
      drawer.close();
      fresh();
    } else if (action === "export") exportChat();
    else if (action === "close") emit("close");
    else if (action === "expand") emit("expand");
    else if (action === "copy" && index >= 0) copyText(withoutThink(ctl.conv.messages[index].text), btn, t("copy"));
    else if ((action === "regenerate" || action === "retry") && index >= 0) ctl.retry(index);
  });

  if (cfg.appConfigured === false || cfg.accessMisconfigured) {
    el.input.disabled = true;
    el.send.disabled = true;
  }

  if (cfg.feedback)
    loadChunk(cfg.chunks, "feedback")
      .then((f) => f.attach({ log: el.log, cfg, t, conv, indexOf: view.indexOf, save, token: access.token, emit }))
      .catch(() => {}); // no thumbs when the chunk cannot load; the chat itself is unaffected

  view.renderAll();
  // A link's prefill (rare, so a lazy chunk); should the chunk not load, the question still reaches the box.
  if (cfg.prefill && !preview)
    loadChunk(cfg.chunks, "prefill").then(
      (m) => m.applyPrefill({ cfg, el, ctl, content, fresh }),
      () => (el.input.value = cfg.prefill.q || ""),
    );
  if (sample) {
    const ctx = { root, cfg, t, bot, input: el.input };
    sample.startPreview(el, (data) =>
      loadChunk(cfg.chunks, "trial").then(
        (m) => m.applyTrial(data, ctx),
        () => {},
      ),
    );
  }
  root.setAttribute("aria-busy", "false");
  document.documentElement.dataset.ready = "";
  if (locked && !cfg.accessMisconfigured) access.resume?.();
  else if (focusOnLoad(cfg)) el.input.focus({ preventScroll: true });
  emit("ready", { skin: cfg.skin, conversationId: ctl.conv.conversationId });
}

// The message box takes focus on load on the full page only: an embedded page is focused when its
// panel opens (the host page keeps focus until then), a preview is a picture, and a touch screen
// would pop its keyboard over the conversation before the visitor asked for it.
function focusOnLoad(cfg) {
  if (cfg.embed || cfg.preview) return false;
  return !matchMedia("(pointer: coarse)").matches;
}

// A preview's sample, an embedded page's bridge to its host page and a locked page's access gate are lazy
// chunks (most pages need none of them); a page that needs one starts once it is in, so the bridge hears
// `ready`, a preview opens on its sample and a locked page asks for its code. A chunk that fails to load
// leaves the page without it (a locked page then shows the server's refusal when the visitor sends).
function boot(root, cfg) {
  const locked = !!cfg.accessRequired && !cfg.preview;
  if (!cfg.preview && !cfg.embed && !locked) return startChat(root, cfg);
  const load = (want, name) => (want ? loadChunk(cfg.chunks, name).catch(() => null) : null);
  const wanted = [load(cfg.preview, "preview"), load(cfg.embed, "embed"), load(locked, "access")];
  Promise.all(wanted).then(([sample, bridge, gate]) => {
    bridge?.startEmbedBridge();
    startChat(root, cfg, { sample, gate });
  });
}

const root = document.getElementById("cs-app");
if (root) boot(root, readConfig(root));
