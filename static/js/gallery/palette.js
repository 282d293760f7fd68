// chat_skins/color.py's accent_palette, step for step (same WCAG math, same bisection, Python's rounding),
// so a colour tried in the gallery looks in the previews exactly as the setting will.
const AA = 4.5;
const WHITE = [255, 255, 255];
const BLACK = [0, 0, 0];
const NEAR_BLACK = [0x24, 0x26, 0x2d];

function parseHex(value) {
  const m = /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.exec(String(value).trim());
  if (!m) return null;
  const d = m[1].length === 3 ? m[1].replace(/./g, "$&$&") : m[1];
  return [0, 2, 4].map((i) => parseInt(d.slice(i, i + 2), 16));
}

const toHex = (rgb) => `#${rgb.map((c) => c.toString(16).padStart(2, "0")).join("")}`;

function luminance(rgb) {
  const [r, g, b] = rgb.map((channel) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a, b) {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

// Python's round(): halves go to the even neighbour.
function roundHalfEven(x) {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const mix = (rgb, toward, t) => rgb.map((c, i) => roundHalfEven(c + (toward[i] - c) * t));

function adjustUntil(rgb, toward, against, ratio = AA) {
  if (contrast(rgb, against) >= ratio) return rgb;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 24; i++) {
    const mid = (lo + hi) / 2;
    if (contrast(mix(rgb, toward, mid), against) >= ratio) hi = mid;
    else lo = mid;
  }
  return mix(rgb, toward, hi);
}

/** {accent, onAccent, accentText, accentTextDark} for a hex colour, or null. */
export function accentPalette(value) {
  const rgb = parseHex(value);
  if (!rgb) return null;
  let accent = rgb;
  let on = WHITE;
  if (contrast(rgb, WHITE) >= AA) on = WHITE;
  else if (contrast(rgb, BLACK) >= AA) on = BLACK;
  else {
    on = contrast(rgb, WHITE) >= contrast(rgb, BLACK) ? WHITE : BLACK;
    accent = adjustUntil(rgb, on === WHITE ? BLACK : WHITE, on);
  }
  return {
    accent: toHex(accent),
    onAccent: toHex(on),
    accentText: toHex(adjustUntil(rgb, BLACK, WHITE)),
    accentTextDark: toHex(adjustUntil(rgb, WHITE, NEAR_BLACK)),
  };
}
