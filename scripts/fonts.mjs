// Bundled type: static/css/fonts/<skin>.css holds a skin's @font-face rules, each src naming a woff2 file of an
// npm font package (`url("@fontsource/.../x.woff2")`). fontFaces() copies those files into gen/fonts and returns
// the rules with URLs relative to the skin's built stylesheet, versioned like asset_url() (`?v=` + the first
// 12 hex digits of the file's SHA-256), so the static route serves them as immutable.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";

export const FONT_DIR = "static/css/fonts";
// Per skin: the budget of issue 12 (a latin subset of one or two faces loads with the first text).
const MAX_FILES = 2;
const MAX_BYTES = 40 * 1024;
const URL = /url\("([^"]+\.woff2)"\)/g;

/** The skin's @font-face rules ready to prepend to outCss, or "" when the skin uses system type. */
export function fontFaces(skin, outCss, genDir) {
  const source = join(FONT_DIR, `${skin}.css`);
  if (!existsSync(source)) return "";
  const css = readFileSync(source, "utf8");
  const files = [...new Set([...css.matchAll(URL)].map((m) => m[1]))];
  const sizes = files.map((file) => {
    const path = join("node_modules", file);
    if (!file.startsWith("@fontsource") || !existsSync(path)) throw new Error(`${source}: no font file ${file}`);
    return statSync(path).size;
  });
  const total = sizes.reduce((a, b) => a + b, 0);
  if (files.length === 0 || files.length > MAX_FILES || total > MAX_BYTES) {
    throw new Error(`${source}: ${files.length} font files, ${total} bytes (at most ${MAX_FILES} and ${MAX_BYTES})`);
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
  // Comments go (the licence is named in docs/skins.md); rules stay as written.
  return css
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(URL, (_, file) => `url("${urls.get(file)}")`)
    .replace(/\s*\n\s*/g, "");
}
