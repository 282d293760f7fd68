// The diagram frame: a page of its own, served with a strict CSP and loaded in a sandboxed iframe (opaque
// origin), so mermaid and ECharts never run on the chat page's origin. It takes one diagram by message
// from its parent, draws it, and answers with its height or an error; nothing else goes out.
const MAX_CODE = 50000;
const reply = (data) => parent.postMessage({ cs: "diagram", ...data }, "*");

function height() {
  const box = document.body.firstElementChild;
  return Math.ceil(box ? box.getBoundingClientRect().height : document.documentElement.scrollHeight);
}

async function drawMermaid(code, dark) {
  const { default: mermaid } = await import("mermaid");
  // strict: labels are escaped text and `click` handlers are dropped.
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: "strict",
    theme: dark ? "dark" : "default",
    // Mermaid 12 lays out with ELK by default; this build carries dagre only (see no-elk.js).
    layout: "dagre",
    maxTextSize: MAX_CODE,
    fontFamily: "system-ui, sans-serif",
  });
  const { svg } = await mermaid.render("cs-diagram", code);
  const box = document.createElement("div");
  box.className = "mermaid";
  box.innerHTML = svg; // mermaid's own sanitized output, inside this sandbox
  document.body.replaceChildren(box);
}

// JSON options only (never code): strings that look like functions stay strings, and tooltips are drawn
// as rich text on the canvas, not as HTML.
function safeOptions(options) {
  const tips = options.tooltip;
  const asText = (tip) => (tip && typeof tip === "object" ? { ...tip, renderMode: "richText" } : tip);
  return {
    // On the answer's own background unless the options choose one.
    backgroundColor: "transparent",
    ...options,
    animation: false,
    tooltip: Array.isArray(tips) ? tips.map(asText) : asText(tips),
    toolbox: undefined,
  };
}

async function drawChart(code, dark) {
  const options = JSON.parse(code);
  if (!options || typeof options !== "object" || Array.isArray(options)) throw new Error("options must be an object");
  const echarts = await import("echarts");
  const box = document.createElement("div");
  box.className = "chart";
  document.body.replaceChildren(box);
  const chart = echarts.init(box, dark ? "dark" : null, { renderer: "svg" });
  chart.setOption(safeOptions(options));
  addEventListener("resize", () => chart.resize());
}

let taken = false;
addEventListener("message", async (e) => {
  const d = e.data;
  if (e.source !== parent || taken || !d || d.cs !== "diagram") return;
  taken = true;
  try {
    if (typeof d.code !== "string" || d.code.length > MAX_CODE) throw new Error("diagram too large");
    // The same scheme as the page, so the frame stays transparent over the answer.
    document.documentElement.style.colorScheme = d.dark ? "dark" : "light";
    if (d.kind === "mermaid") await drawMermaid(d.code, !!d.dark);
    else if (d.kind === "echarts") await drawChart(d.code, !!d.dark);
    else throw new Error("unknown diagram kind");
    reply({ height: height() });
    new ResizeObserver(() => reply({ height: height() })).observe(document.body);
  } catch (err) {
    reply({ error: String((err && err.message) || err).slice(0, 300) });
  }
});
reply({ ready: true });
