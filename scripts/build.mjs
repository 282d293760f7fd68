// Bundles the client and minifies stylesheets into static/gen (ignored by git, shipped in the package).
import { build } from "esbuild";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { expandDark } from "./css-dark.mjs";
import { fontFaces } from "./fonts.mjs";

const out = "static/gen";
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const common = { bundle: true, minify: true, legalComments: "none", logLevel: "warning" };
const scripts = [
  ["static/js/chat-page.js", "chat-page.js"],
  ["static/js/embed.js", "embed.js"],
  ["static/js/gallery.js", "gallery.js"],
];
for (const [entry, file] of scripts) {
  if (!existsSync(entry)) continue;
  await build({ ...common, entryPoints: [entry], outfile: join(out, file), format: "iife", target: "es2020" });
}

// Lazy chunks: every static/js/lazy/<name>.js becomes a self-contained ES module gen/lazy/<name>.js that the
// page loads with import() only when it needs it (chat/lazy.js; the URLs come from the page config).
const lazyDir = "static/js/lazy";
const lazyEntries = existsSync(lazyDir) ? readdirSync(lazyDir).filter((name) => name.endsWith(".js")) : [];
for (const name of lazyEntries) {
  await build({
    ...common,
    entryPoints: [join(lazyDir, name)],
    outfile: join(out, "lazy", name),
    format: "esm",
    target: "es2020",
  });
}

// The page's base stylesheet is split by component in static/css/base/; its parts, in name order (the number
// prefix fixes the cascade order), become one file, gen/base.css.
const baseDir = "static/css/base";
const baseParts = readdirSync(baseDir)
  .filter((name) => name.endsWith(".css"))
  .sort();
const baseCss = expandDark(baseParts.map((name) => readFileSync(join(baseDir, name), "utf8")).join("\n"));
await build({
  ...common,
  stdin: { contents: baseCss, loader: "css", resolveDir: baseDir, sourcefile: "base.css" },
  outfile: join(out, "base.css"),
  target: "chrome100",
});

const styles = ["static/css/gallery.css"].filter(existsSync);
for (const name of readdirSync("static/css/skins")) {
  if (name.endsWith(".css")) styles.push(join("static/css/skins", name));
}
// A lazy chunk's own stylesheet (static/css/lazy/<name>.css → gen/lazy/<name>.css), loaded with the chunk.
if (existsSync("static/css/lazy")) {
  for (const name of readdirSync("static/css/lazy")) {
    if (name.endsWith(".css")) styles.push(join("static/css/lazy", name));
  }
}
for (const entry of styles) {
  const rel = entry.replace(/^static\/css\//, "");
  await build({
    ...common,
    stdin: {
      // Lazy sheets write their defaults under :where() (a skin's tokens win), their dark palette included.
      contents: expandDark(readFileSync(entry, "utf8")),
      loader: "css",
      resolveDir: "static/css",
      sourcefile: rel,
    },
    outfile: join(out, rel),
    target: "chrome100",
  });
  // A skin's bundled type (scripts/fonts.mjs) leads its stylesheet.
  if (rel.startsWith("skins/")) prependFonts(basename(rel, ".css"), join(out, rel));
}

function prependFonts(skin, file) {
  const faces = fontFaces(skin, file, out);
  if (faces) writeFileSync(file, faces + readFileSync(file, "utf8"));
}
console.log(
  `built ${scripts.length} scripts, ${lazyEntries.length} lazy chunks and ${styles.length + 1} stylesheets into ${out}`,
);

// The diagram frame (a sandboxed page of its own): its script loads mermaid or ECharts on demand, split
// into content-named chunks so each file stays small enough for the plugin daemon.
const frameEntry = "static/js/frame/diagram.js";
if (existsSync(frameEntry)) {
  await build({
    ...common,
    entryPoints: [frameEntry],
    outdir: join(out, "frame"),
    format: "esm",
    splitting: true,
    chunkNames: "chunk-[hash]",
    alias: { "elkjs/lib/elk.bundled.js": "./static/js/frame/no-elk.js" },
    target: "es2020",
  });
}
