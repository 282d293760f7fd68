// The page's own content around the conversation: welcome, suggested questions, the app's input form
// and the placeholder. A locked page gets them only with the unlock answer.
import { show } from "../dom.js";
import { createInputForm } from "../inputs.js";
import { setMarkdown } from "../markdown.js";
import { chip } from "./message.js";

/** deps: {el, cfg, t, bot, notices, plain(box, text, render), send(text), conv()} */
export function createContent({ el, cfg, t, bot, notices, plain, send, conv }) {
  let form = createInputForm(el.fields, [], t);

  function apply(p) {
    const welcome = p.welcome || t("welcome");
    el.welcome.dir = "auto";
    plain(el.welcome, welcome, () => setMarkdown(el.welcome, welcome));
    const suggestions = (Array.isArray(p.suggestions) ? p.suggestions : []).filter((s) => typeof s === "string" && s);
    el.suggestions.replaceChildren(...suggestions.map((q) => chip(q, send)));
    show(el.suggestBox, suggestions.length > 0);
    el.fields.replaceChildren();
    form = createInputForm(el.fields, p.inputForm, t);
    show(
      el.formHint,
      (Array.isArray(p.inputForm) ? p.inputForm : []).some((f) => f && f.required),
    );
    el.input.placeholder = (typeof p.placeholder === "string" && p.placeholder) || t("placeholder", { bot });
    notices.set("paramsUnavailable", cfg.appConfigured !== false && !!p.paramsUnavailable);
    const c = conv();
    if (c) {
      show(el.inputsForm, c.messages.length === 0 && form.size > 0);
      form.set(c.inputs);
    }
  }

  return {
    apply,
    form: () => form,
    // The form as the controller needs it: is it blocking the first message, and its values.
    gate: {
      invalid() {
        if (!form.size) return false;
        const bad = form.check();
        if (bad) bad.focus();
        return !!bad;
      },
      values: () => (form.size ? form.values() : {}),
    },
  };
}
