// ```mermaid and ```echarts blocks drawn in a sandboxed frame (the plugin's `diagram` page: opaque
// origin, its own strict CSP), ```svg shown as an image. The code block stays, hidden behind a toggle,
// and comes back on its own when a diagram fails.
import { createSlicer } from "../rich/slices.js";

const FRAME_URL = "diagram"; // relative to the page, like every URL the page uses
const MAX_CODE = 50000;
const MAX_SVG = 200000;
const MIN_HEIGHT = 24;
const MAX_HEIGHT = 1600;
const TIMEOUT_MS = 45000;

// An SVG drawing and nothing that links, embeds, animates or scripts.
const SVG_PROFILE = {
  USE_PROFILES: { svg: true, svgFilters: true },
  FORBID_TAGS: ["a", "foreignObject", "image", "use", "script", "animate", "set"],
  FORBID_ATTR: ["href", "xlink:href"],
};

const frames = new WeakMap(); // the frame's window -> its diagram
// A frame costs the page a new browsing context: one or two per time slice, never all of an answer's.
const slices = createSlicer();
let listening = false;

function listen() {
  listening = true;
  addEventListener("message", (e) => {
    const diagram = e.source ? frames.get(e.source) : null;
    // Only our frames, which have an opaque origin, and only messages of the agreed shape.
    if (!diagram || e.origin !== "null") return;
    const d = e.data;
    if (!d || typeof d !== "object" || d.cs !== "diagram") return;
    if (d.ready === true && !diagram.sent) {
      diagram.sent = true;
      e.source.postMessage({ cs: "diagram", kind: diagram.kind, code: diagram.code, dark: dark() }, "*");
    } else if (typeof d.height === "number" && Number.isFinite(d.height) && diagram.sent) diagram.size(d.height);
    else if (typeof d.error === "string") diagram.fail();
  });
}

function dark() {
  const theme = document.documentElement.dataset.theme;
  return theme ? theme === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
}

function el(tag, props) {
  return Object.assign(document.createElement(tag), props);
}

// The figure above the code box: the drawing, a toggle for the code, a failure note when it fails.
function figure(box, t) {
  const fig = el("figure", { className: "cs-diagram" });
  const toggle = el("button", { type: "button", className: "cs-diagram-toggle", textContent: t("rich.showCode") });
  toggle.setAttribute("aria-expanded", "false");
  toggle.addEventListener("click", () => {
    const open = box.hidden;
    box.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = t(open ? "rich.hideCode" : "rich.showCode");
  });
  const bar = el("div", { className: "cs-diagram-bar" });
  bar.append(toggle);
  fig.append(bar);
  box.before(fig);
  box.hidden = true;
  return {
    fig,
    show(view) {
      fig.prepend(view);
    },
    fail() {
      if (fig.dataset.csFailed) return;
      fig.dataset.csFailed = "";
      fig.replaceChildren(el("p", { className: "cs-diagram-failed", textContent: t("rich.diagramFailed") }));
      fig.firstChild.setAttribute("role", "status");
      box.hidden = false;
    },
  };
}

function frame(kind, code, view, t) {
  const iframe = el("iframe", { className: "cs-diagram-frame", title: t("rich.diagram"), src: FRAME_URL });
  iframe.setAttribute("sandbox", "allow-scripts");
  iframe.setAttribute("referrerpolicy", "no-referrer");
  iframe.height = "160";
  const timer = setTimeout(() => view.fail(), TIMEOUT_MS);
  const diagram = {
    kind,
    code,
    sent: false,
    size(h) {
      clearTimeout(timer);
      iframe.height = String(Math.round(Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, h))));
    },
    fail() {
      clearTimeout(timer);
      view.fail();
    },
  };
  view.show(iframe);
  // The window exists once the frame is in the document; register it before its first message.
  frames.set(iframe.contentWindow, diagram);
  if (!listening) listen();
}

function image(code, view, t, purify) {
  // Handler attributes are renamed first (the sanitizer drops the unknown names): Chromium reports a CSP
  // violation for a handler even in the inert document the sanitizer parses in, where it never runs.
  const text = code.replace(/(\s)(on[a-z]+\s*=)/gi, "$1cs-$2");
  const frag = code.length <= MAX_SVG ? purify(text, SVG_PROFILE) : null;
  const svg = frag && frag.firstElementChild;
  if (!svg || svg.localName !== "svg" || frag.childElementCount !== 1) return view.fail();
  // Shown as an image: no script, no event, no fetch, whatever the sanitizer missed.
  const img = el("img", {
    className: "cs-diagram-img",
    alt: t("rich.svgImage"),
    src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(svg))}`,
  });
  img.addEventListener("error", () => view.fail());
  view.show(img);
}

/** Draws each diagram block not yet drawn (codes: <code class="language-mermaid|echarts|svg">), each in
 * its own time slice. */
export function draw(codes, { t, purify }) {
  for (const code of codes) {
    const box = code.closest(".cs-code");
    if (!code.isConnected || !box || box.csDiagram) continue;
    box.csDiagram = true;
    const kind = /language-(mermaid|echarts|svg)/.exec(code.className)?.[1];
    const text = code.textContent;
    if (!kind || !text.trim()) continue;
    slices.add(() => {
      if (!box.isConnected) return;
      const view = figure(box, t);
      if (text.length > MAX_CODE) view.fail();
      else if (kind === "svg") image(text, view, t, purify);
      else frame(kind, text, view, t);
    });
  }
  return slices.idle();
}
