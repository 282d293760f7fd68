// The conversations drawer: list, open, rename, delete, new.
import { $, clone, h, show } from "../dom.js";

/** deps: {el, t, store, current(), open(conv), startFresh()} */
export function createDrawer({ el, t, store, current, open: openConv, startFresh }) {
  function renderList() {
    const items = store.list();
    el.convList.replaceChildren(...items.map(row));
    show(el.convEmpty, items.length === 0);
  }

  function row(c) {
    const li = clone("cs-tpl-conv");
    li.dataset.csConvId = c.id;
    const title = c.title || t("untitled");
    const name = $("[data-cs-conv-title]", li);
    name.textContent = title;
    name.dir = "auto";
    const open = $('[data-cs-action="open-conv"]', li);
    if (c.id === current().id) open.setAttribute("aria-current", "true");
    open.addEventListener("click", () => {
      const loaded = store.load(c.id);
      if (loaded) openConv(loaded);
      close();
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
  }

  function renameRow(li, c) {
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

  function deleteRow(li, c) {
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

  function open() {
    renderList();
    el.drawer.showModal();
    el.drawerBtn.setAttribute("aria-expanded", "true");
    ($('[aria-current="true"]', el.drawer) || $("[data-cs-action='new']", el.drawer)).focus();
  }

  function close() {
    if (el.drawer.open) el.drawer.close();
  }

  el.drawer.addEventListener("close", () => {
    el.drawerBtn.setAttribute("aria-expanded", "false");
    if (!el.access.open) el.drawerBtn.focus();
  });
  // A click on the backdrop (outside the panel) closes the drawer.
  el.drawer.addEventListener("click", (e) => {
    if (e.target !== el.drawer) return;
    const r = el.drawer.getBoundingClientRect();
    if (e.clientX > r.right || e.clientX < r.left || e.clientY < r.top || e.clientY > r.bottom) close();
  });

  return {
    open,
    close,
    get isOpen() {
      return el.drawer.open;
    },
  };
}
