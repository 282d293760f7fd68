// The gallery's "try your own" values, cleaned exactly as chat_skins/settings.py cleans the settings
// they stand for (bot_name, accent_color, avatar_url), and the message that carries them to the
// previews. The gallery and the preview pages both run these checks: a preview trusts nothing it receives.
import { MESSAGE_TYPE, message } from "../protocol.js";

export const TRY = "try";
const HEX = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const AVATAR =
  /^https:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?(?:\?[A-Za-z0-9._~%!$&*+,;=:@/?-]*)?$/;
// Python's str.isprintable() refuses every "Other" and "Separator" character but the ASCII space.
const UNPRINTABLE = /[\p{C}\p{Z}]/gu;
const PALETTE = /^#[0-9a-f]{6}$/;
export const PALETTE_KEYS = ["accent", "onAccent", "accentText", "accentTextDark"];

/** settings.py `_text`: printable characters (newlines and tabs kept), trimmed, at most `limit` code points. */
export function cleanText(value, limit) {
  if (typeof value !== "string") return "";
  const kept = value.replace(UNPRINTABLE, (ch) => (ch === " " || ch === "\n" || ch === "\t" ? ch : ""));
  return Array.from(kept.trim()).slice(0, limit).join("");
}

export const cleanName = (value) => cleanText(value, 80);

export function cleanAccent(value) {
  const text = cleanText(value, 16);
  return HEX.test(text) ? text.toLowerCase() : "";
}

export function cleanAvatar(value) {
  const text = cleanText(value, 2000);
  return AVATAR.test(text) ? text : "";
}

/** The message a preview receives: {botName, avatarUrl, accent: palette or null}. */
export function trialMessage({ botName, avatarUrl, palette }) {
  return message("", TRY, { botName, avatarUrl, accent: palette || null });
}

/** The values of a "try" message, checked again; null for anything else. */
export function trialFrom(data) {
  if (!data || typeof data != "object" || data.type !== MESSAGE_TYPE || data.name !== TRY) return null;
  const d = data.detail;
  if (!d || typeof d != "object") return null;
  let accent = null;
  if (d.accent != null) {
    if (typeof d.accent != "object") return null;
    accent = {};
    for (const key of PALETTE_KEYS) {
      const v = d.accent[key];
      if (typeof v != "string" || !PALETTE.test(v)) return null;
      accent[key] = v;
    }
  }
  return { botName: cleanName(d.botName), avatarUrl: cleanAvatar(d.avatarUrl), accent };
}
