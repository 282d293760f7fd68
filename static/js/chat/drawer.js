// The conversations drawer: list, open, rename, delete, new.
import { $, clone, show } from "../dom.js";

/** deps: {el, t, store, current(), open(conv), startFresh(), editing(): a promise of lazy/drawer-edit.js} */
export function createDrawer({ el, t, store, current, open: openConv, startFresh, editing }) {
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

  // Renaming and deleting come with a lazy chunk (lazy/drawer-edit.js) the first time a visitor uses them.
  const edit = (how, li, c) =>
    editing().then(
      (m) => m[how]({ el, t, store, current, startFresh, renderList }, li, c),
      () => {},
    );
  const renameRow = (li, c) => edit("renameRow", li, c);
  const deleteRow = (li, c) => edit("deleteRow", li, c);

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
