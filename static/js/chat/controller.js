// Sending, streaming, stopping, retrying and switching conversations. Everything it talks to is
// injected (the transport, the view, the access gate, the form), so it runs under `node --test`.
import { errorKey } from "../i18n.js";
import { settleThinks } from "../answer/think.js";
import { emptyAnswer, reduce } from "../reduce.js";
import { cutAnswer, rememberCurrent, titleFrom } from "./conversation.js";

const ACCESS_CODES = new Set(["unauthorized", "access_required", "invalid_token", "token_expired"]);

/**
 * deps: {cfg, t, bot, urls, transport: {talk}, view, gate, form, save, store, emit, conv}
 * view: {appended(index, prevLast), schedule(i), finished(i), renderAll(), dropFrom(i), busy(on), answerText(i)}
 * gate: {required, token(), ask(next), expired(next)}; form: {invalid(), values()}.
 */
export function createController(deps) {
  const { cfg, t, bot, transport, view, gate, form, save, emit } = deps;
  const urls = cfg.urls || { talk: "talk", unlock: "unlock" };
  const preview = !!cfg.preview;
  let conv = deps.conv;
  let running = null; // {controller, index}
  let extraInputs = {}; // inputs set by the host page that have no field in the form
  let leaving = false; // the page is going away: its cancelled stream is no failure of the answer

  const inputsNow = () => ({ ...conv.inputs, ...extraInputs, ...form.values() });

  // Returns true when the message was accepted (the composer may then be cleared).
  function send(text, { again = false } = {}) {
    text = String(text ?? "").trim();
    if (!text || running || cfg.appConfigured === false || cfg.accessMisconfigured) return false;
    if (conv.messages.length === 0 && form.invalid()) return false;
    const prevLast = conv.messages.length - 1;
    if (!again) {
      conv.messages.push({ role: "user", text, at: Date.now() });
      if (!conv.title) conv.title = titleFrom(text);
      emit("message", { text, conversationId: conv.conversationId });
    }
    if (conv.messages.length <= 2) conv.inputs = inputsNow();
    const index = conv.messages.push({ ...emptyAnswer(), streaming: true }) - 1;
    view.appended(index, again ? -1 : prevLast);
    if (preview) {
      conv.messages[index] = { ...emptyAnswer(), text: t("preview"), done: true };
      view.schedule(index);
      return true;
    }
    save(conv);
    if (gate.required && !gate.token()) {
      gate.ask(() => stream(index, text));
      return true;
    }
    stream(index, text);
    return true;
  }

  async function stream(index, text) {
    const controller = new AbortController();
    running = { controller, index };
    view.busy(true);
    const owner = conv;
    let m = conv.messages[index];
    const body = { query: text, conversation_id: conv.conversationId, inputs: inputsNow(), response_mode: "streaming" };
    let needAccess = false;
    try {
      await transport.talk(urls.talk, body, {
        token: gate.required ? gate.token() : null,
        signal: controller.signal,
        onEvent(ev) {
          m = reduce(m, ev);
          // The answer's time: the app's `created_at` (seconds) when it sends one, else its arrival.
          if (m.at == null) m = { ...m, at: ev.created_at > 0 ? ev.created_at * 1000 : Date.now() };
          if (owner !== conv) return;
          if (ev.event === "conversation_restarted" || (m.conversationId && m.conversationId !== conv.conversationId))
            conv.conversationId = m.conversationId;
          conv.messages[index] = { ...m, streaming: !m.done };
          view.schedule(index);
          save(conv, false);
        },
      });
    } catch (e) {
      // Stored as streaming when the page went away; it shows as interrupted on return, not as an error.
      if (leaving) return;
      if (e && e.name === "AbortError") m = { ...m, stopped: true };
      else if (e?.code === "limit_reached" && owner === conv) {
        // Today's messages are used up: the question goes back to the composer, nothing is lost.
        running = null;
        conv.messages.splice(index - 1);
        if (conv.messages.length) save(conv);
        else {
          // It was the first message: the conversation stored when it was sent goes again.
          deps.store.delete(conv.id);
          rememberCurrent(deps.store, conv);
        }
        view.renderAll();
        view.busy(false);
        deps.onLimit?.(text);
        emit("error", { code: e.code, message: t(errorKey(e.code)) });
        return;
      } else {
        const code = (e && e.code) || "network_error";
        m = { ...m, error: { code, message: (e && e.message) || "", status: (e && e.status) || null } };
        needAccess = gate.required && (e?.status === 401 || ACCESS_CODES.has(code));
      }
    }
    m = { ...m, streaming: false, done: true, at: m.at ?? Date.now(), thinks: settleThinks(m.thinks, Date.now()) };
    running = null;
    if (owner !== conv) {
      // The visitor switched conversations mid-answer: finish storing it where it belongs.
      owner.messages[index] = m;
      if (!preview) deps.store.save(owner);
      view.busy(false);
      return;
    }
    conv.messages[index] = m;
    save(conv);
    // Final render now (not on the next frame), so the finished state and the idle composer appear together.
    view.finished(index);
    view.busy(false);
    if (m.error) {
      emit("error", { code: m.error.code, message: t(errorKey(m.error.code)) });
      if (needAccess) gate.expired(() => retry(index));
    } else if (!m.stopped) {
      view.announce(`${t("answerFrom", { bot })} ${view.answerText(index) || m.text}`.slice(0, 4000));
      emit("answer", { text: m.text, messageId: m.messageId, conversationId: conv.conversationId });
    }
  }

  // Regenerate and Retry: drop the answer at `index` and ask the same question again.
  function retry(index) {
    if (running) return;
    const question = cutAnswer(conv, index);
    if (question == null) return;
    view.dropFrom(index);
    send(question, { again: true });
  }

  function stop() {
    if (running) running.controller.abort();
  }

  function switchTo(c) {
    stop();
    conv = c;
    if (!preview) rememberCurrent(deps.store, c);
    view.renderAll();
    emit("conversation", { conversationId: conv.conversationId });
  }

  return {
    send,
    retry,
    stop,
    switchTo,
    get conv() {
      return conv;
    },
    get running() {
      return !!running;
    },
    leave() {
      leaving = true;
    },
    setInputs(inputs) {
      extraInputs = { ...extraInputs, ...inputs };
    },
  };
}
