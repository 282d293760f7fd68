// Inside the iframe: relays the page's lifecycle events to the host page that embeds it, and the
// host page's commands to the page. Talks only to the origin the server accepted (config.embed,
// present only when `allowed_origins` allows that origin) and only to the window that framed us.

import { COMMAND, FORWARDED, MESSAGE_TYPE, message } from "./protocol.js";

export { FORWARDED };
const MAX_TEXT = 20000;

/** A JSON-safe copy of `value` (details may hold things postMessage cannot clone), or {}. */
export function plain(value) {
  try {
    const copy = JSON.parse(JSON.stringify(value ?? {}));
    return copy && typeof copy == "object" && !Array.isArray(copy) ? copy : {};
  } catch {
    return {};
  }
}

/** The message the host page receives for lifecycle event `name`. */
export function toHost(bubble, name, detail) {
  return message(bubble, name, plain(detail));
}

/** Whether a `message` event comes from the host page the server accepted: its window and its origin. */
export function trusted(event, embed, parent) {
  return !!embed && parent !== null && event.source === parent && event.origin === embed.origin;
}

/** The `chatskins:command` detail a host message asks for, or null when it is not a valid command for `bubble`. */
export function commandFrom(data, bubble) {
  if (!data || typeof data != "object" || data.type !== MESSAGE_TYPE || data.name !== COMMAND) return null;
  if ((data.bubble ?? "") !== bubble) return null;
  const d = data.detail;
  if (!d || typeof d != "object") return null;
  switch (d.action) {
    case "send":
      return typeof d.text == "string" && d.text.trim() ? { action: "send", text: d.text.slice(0, MAX_TEXT) } : null;
    case "setInputs": {
      const inputs = plain(d.inputs);
      return d.inputs && typeof d.inputs == "object" ? { action: "setInputs", inputs } : null;
    }
    case "reset":
    case "focus":
      return { action: d.action };
    default:
      return null;
  }
}

/** The page's embed settings from `#cs-app[data-config]`, or null when not embedded. */
export function readEmbed(doc = document) {
  try {
    const embed = JSON.parse(doc.getElementById("cs-app").dataset.config).embed;
    return embed && typeof embed.origin == "string" ? embed : null;
  } catch {
    return null;
  }
}

let started = false;

/** Connects the page to the host page (once); does nothing unless the page is framed with a valid embed config. */
export function startEmbedBridge(embed = readEmbed(), win = window) {
  const parent = win.parent;
  if (started || !embed || !parent || parent === win) return false;
  started = true;
  const bubble = embed.bubble || "";
  const doc = win.document;
  const send = (name, detail) => {
    try {
      parent.postMessage(toHost(bubble, name, detail), embed.origin);
    } catch {
      // The parent navigated away: nothing to tell.
    }
  };
  for (const name of FORWARDED) doc.addEventListener(`chatskins:${name}`, (e) => send(name, e.detail));
  win.addEventListener("message", (e) => {
    if (!trusted(e, embed, parent)) return;
    const detail = commandFrom(e.data, bubble);
    if (detail) doc.dispatchEvent(new CustomEvent("chatskins:command", { detail }));
  });
  // Esc closes the panel, unless something in the page used it (stopping a stream, closing a menu):
  // those handlers call preventDefault, which is only known once the event has finished dispatching.
  win.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || e.isComposing || doc.querySelector("dialog[open]")) return;
    setTimeout(() => e.defaultPrevented || send("close", {}), 0);
  });
  return true;
}
