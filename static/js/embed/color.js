// The client's one contrast rule (the server's is chat_skins/color.py): WCAG relative luminance.

/** Relative luminance of a #rgb or #rrggbb color, or null for anything else. */
export function luminance(color) {
  const m = /^#([\da-f]{3}|[\da-f]{6})$/i.exec(color);
  if (!m) return null;
  const hex = m[1].length == 3 ? m[1].replace(/./g, "$&$&") : m[1];
  const [r, g, b] = [0, 2, 4].map((i) => {
    const v = parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Icon color on `color`: dark on light backgrounds, else white (non-hex colors get white). */
export function onColor(color) {
  const l = luminance(color);
  return l != null && l > 0.179 ? "#111" : "#fff";
}
