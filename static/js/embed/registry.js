// The one global, window.ChatSkins: the bubbles of the page and the API of the first one. A page
// may have set window.ChatSkins to an array of functions before this script loaded; each is called
// with the API once the first bubble exists.

const METHODS = ["open", "close", "toggle", "send", "reset", "setInputs", "expand", "on", "off"];

export function registry(win) {
  const existing = win.ChatSkins;
  if (existing && existing.get) return existing;
  const queue = Array.isArray(existing) ? existing : [];
  const bubbles = [];
  const api = {
    bubbles,
    get: (id) => (id == null ? bubbles[0] : bubbles.find((b) => b.id === id)),
    push: (fn) => (bubbles[0] ? fn(api) : queue.push(fn)),
    _add(b) {
      bubbles.push(b);
      while (queue.length) queue.shift()(api);
    },
  };
  for (const m of METHODS) api[m] = (...a) => bubbles[0] && bubbles[0][m](...a);
  // The first bubble's state, like its methods, on the global itself.
  for (const k of ["isOpen", "isReady"]) Object.defineProperty(api, k, { get: () => !!bubbles[0]?.[k] });
  win.ChatSkins = api;
  return api;
}
