// Renaming and deleting a conversation in the drawer (chat/drawer.js): a lazy chunk, loaded the first time a
// visitor renames or deletes one. ctx: {el, t, store, current(), startFresh(), renderList()}.
import { $, h } from "../dom.js";

export function renameRow({ el, t, store, current, renderList }, li, c) {
  const field = h("input", {
    class: "cs-field-input",
    value: c.title || "",
    dir: "auto",
    "aria-label": t("renameLabel"),
    maxlength: "120",
  });
  const done = (ok) => {
    if (ok) {
      const title = field.value.trim().slice(0, 120);
      store.rename(c.id, title);
      if (c.id === current().id) current().title = title;
    }
    renderList();
    $(`[data-cs-conv-id="${CSS.escape(c.id)}"] [data-cs-action="rename-conv"]`, el.convList)?.focus();
  };
  const form = h(
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
  li.replaceChildren(form);
  field.focus();
  field.select();
}

export function deleteRow({ el, t, store, current, startFresh, renderList }, li, c) {
  const confirm = h(
    "div",
    { class: "cs-conv-edit", role: "group", "aria-label": t("deleteConfirm") },
    h("span", { class: "cs-conv-ask", text: t("deleteConfirm") }),
    h("button", {
      type: "button",
      class: "cs-btn cs-btn-danger",
      text: t("delete"),
      onclick: () => {
        store.delete(c.id);
        if (c.id === current().id) startFresh();
        renderList();
        $("[data-cs-action='new']", el.drawer).focus();
      },
    }),
    h("button", { type: "button", class: "cs-btn", text: t("cancel"), onclick: () => renderList() }),
  );
  li.replaceChildren(confirm);
  confirm.querySelector("button").focus();
}
