// The one selector map: every element of the page template the client touches, found once.
import { $ } from "../dom.js";

export function hooks(root) {
  const q = (sel) => $(sel, root);
  return {
    root,
    log: q("[data-cs-log]"),
    scroll: q("[data-cs-scroll]"),
    empty: q("[data-cs-empty]"),
    welcome: q("[data-cs-welcome]"),
    suggestBox: q("[data-cs-suggestions-box]"),
    suggestions: q("[data-cs-suggestions]"),
    formHint: q("[data-cs-text='formHint']"),
    inputsForm: q("[data-cs-inputs]"),
    fields: q("[data-cs-fields]"),
    composer: q("[data-cs-composer]"),
    input: q("[data-cs-input]"),
    send: q('[data-cs-action="send"]'),
    stop: q('[data-cs-action="stop"]'),
    jump: q('[data-cs-action="jump"]'),
    notice: q("[data-cs-notice]"),
    live: q("[data-cs-live]"),
    drawer: q("[data-cs-drawer]"),
    drawerBtn: q('[data-cs-action="drawer"]'),
    convList: q("[data-cs-conversations]"),
    convEmpty: q("[data-cs-conversations-empty]"),
    access: q("[data-cs-access]"),
    accessForm: q("[data-cs-access-form]"),
    accessCode: q("[data-cs-access-code]"),
    accessError: q("[data-cs-access-error]"),
  };
}
