// Tiny DOM helpers: element creation with text only (never HTML strings), lookups, events.

export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue;
    if (k === "text") el.textContent = v;
    else if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k in el && typeof v !== "string") el[k] = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  el.append(...children.filter((c) => c != null));
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

export function clone(id) {
  return document.getElementById(id).content.firstElementChild.cloneNode(true);
}

export function emit(name, detail = {}) {
  document.dispatchEvent(new CustomEvent(`chatskins:${name}`, { detail, bubbles: true }));
}

export function show(el, on) {
  if (el) el.hidden = !on;
}
