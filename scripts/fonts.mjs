// Bundled type: FACES below is every skin's typefaces, one row per face, and faceRules() writes them all in one
// @font-face shape (latin subset, swap, no fake italics). The fonts are OFL 1.1 npm packages (docs/skins.md names
// them); only their latin woff2 file loads, other scripts fall back to the skin's system stack. fontFaces() copies
// those files into gen/fonts and returns the rules with URLs relative to the skin's built stylesheet, versioned like
// asset_url() (`?v=` + the first 12 hex digits of the file's SHA-256), so the static route serves them as immutable.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";

// Per skin: the budget of issue 12 (a latin subset of one or two faces loads with the first text).
const MAX_FILES = 2;
const MAX_BYTES = 40 * 1024;
const LATIN =
  "U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+0304, U+0308, U+0329, U+2000-206F, " +
  "U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, U+FFFD";

// skin: [[family, npm package, weight (a range for a variable face), style?]]. Minimal uses the system's type.
export const FACES = {
  // Manrope: a modern geometric-grotesque hybrid, light and airy for frosted panels.
  glass: [["Manrope Variable", "@fontsource-variable/manrope", "200 800"]],
  // Figtree: a clear, friendly geometric sans for support conversations.
  helpdesk: [["Figtree Variable", "@fontsource-variable/figtree", "300 900"]],
  // Fredoka: a rounded geometric sans, soft and friendly at every weight.
  kawaii: [["Fredoka Variable", "@fontsource-variable/fredoka", "300 700"]],
  // Crimson Pro: a book serif in the Garamond tradition, with its true italic for quotations and the signature.
  letter: [
    ["Crimson Pro", "@fontsource/crimson-pro", "400"],
    ["Crimson Pro", "@fontsource/crimson-pro", "400", "italic"],
  ],
  // Orbitron for the sign (title, name plates) and Space Grotesk for reading.
  neon: [
    ["Orbitron Variable", "@fontsource-variable/orbitron", "400 900"],
    ["Space Grotesk Variable", "@fontsource-variable/space-grotesk", "300 700"],
  ],
  // Patrick Hand for writing, Architects Daughter for the page heading: hand-lettered, still easy to read.
  notebook: [
    ["Patrick Hand", "@fontsource/patrick-hand", "400"],
    ["Architects Daughter", "@fontsource/architects-daughter", "400"],
  ],
  // Fraunces: a soft old-style serif with storybook warmth, for the dialogue box and the name plate.
  novel: [["Fraunces Variable", "@fontsource-variable/fraunces", "100 900"]],
  // Pixelify Sans: a pixel face for the title bar, taskbar and buttons; body text stays in the system's Tahoma/Verdana.
  retro: [["Pixelify Sans Variable", "@fontsource-variable/pixelify-sans", "400 700"]],
  // Noto Sans KR: the Latin of the Korean-first Source Han family, so Latin and the system's Hangul (Noto Sans CJK KR,
  // Apple SD Gothic Neo, Malgun Gothic) match.
  seoul: [["Noto Sans KR Variable", "@fontsource-variable/noto-sans-kr", "100 900"]],
  // JetBrains Mono: a console face with tall lowercase and clear 0/O, 1/l.
  terminal: [["JetBrains Mono Variable", "@fontsource-variable/jetbrains-mono", "100 800"]],
  // Rubik: a sans with slightly rounded corners, the friendly neutral of a mainstream messenger.
  western: [["Rubik Variable", "@fontsource-variable/rubik", "300 900"]],
};

/** The package file of a face (node_modules-relative): fontsource names a latin file by weight axis or weight. */
export function faceFile([, pkg, weight, style = "normal"]) {
  const name = pkg.split("/")[1];
  const axis = pkg.startsWith("@fontsource-variable/") ? "wght" : weight;
  return `${pkg}/files/${name}-latin-${axis}-${style}.woff2`;
}

/** The @font-face rules of `faces`, each file's URL given by url(file); no fake italics where a face has none. */
export function faceRules(faces, url = (file) => file) {
  const rules = faces.map((face) => {
    const [family, , weight, style = "normal"] = face;
    return (
      `@font-face {font-family: "${family}";font-style: ${style};font-weight: ${weight};font-display: swap;` +
      `src: url("${url(faceFile(face))}") format("woff2");unicode-range: ${LATIN};}`
    );
  });
  return `${rules.join("")}:root {font-synthesis-style: none;}`;
}

/** The skin's @font-face rules ready to prepend to outCss, or "" when the skin uses system type. */
export function fontFaces(skin, outCss, genDir) {
  if (!Object.hasOwn(FACES, skin)) return "";
  const files = [...new Set(FACES[skin].map(faceFile))];
  const sizes = files.map((file) => {
    const path = join("node_modules", file);
    if (!existsSync(path)) throw new Error(`fonts of ${skin}: no font file ${file}`);
    return statSync(path).size;
  });
  const total = sizes.reduce((a, b) => a + b, 0);
  if (files.length === 0 || files.length > MAX_FILES || total > MAX_BYTES) {
    throw new Error(`fonts of ${skin}: ${files.length} files, ${total} bytes (at most ${MAX_FILES} and ${MAX_BYTES})`);
  }
  const fontDir = join(genDir, "fonts");
  mkdirSync(fontDir, { recursive: true });
  const urls = new Map();
  for (const file of files) {
    const target = join(fontDir, basename(file));
    copyFileSync(join("node_modules", file), target);
    const digest = createHash("sha256").update(readFileSync(target)).digest("hex").slice(0, 12);
    urls.set(file, `${relative(dirname(outCss), target)}?v=${digest}`);
  }
  return faceRules(FACES[skin], (file) => urls.get(file));
}
