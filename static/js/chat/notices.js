// The page's notice line: lasting conditions (storage, configuration) and short-lived ones (an empty export).
import { show } from "../dom.js";

const FLASH_MS = 5000;

export function createNotices(box, t) {
  const keys = new Set();
  const timers = new Map();
  const paint = () => {
    box.textContent = [...keys].map((k) => t(k)).join(" ");
    show(box, keys.size > 0);
  };
  function set(key, on = true) {
    if (on) keys.add(key);
    else keys.delete(key);
    paint();
  }
  function flash(key) {
    clearTimeout(timers.get(key));
    set(key);
    timers.set(
      key,
      setTimeout(() => set(key, false), FLASH_MS),
    );
  }
  return { set, flash, has: (key) => keys.has(key) };
}
