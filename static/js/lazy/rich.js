// What the blocks of an answer need once their text is final: maths, highlighting, diagrams, each from
// its own chunk (maths, highlight, diagrams). Loaded by rich/enhance.js for answers that have any.

const DIAGRAM = /language-(mermaid|echarts|svg)\b/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/gm;

/** After each render of an answer; env: {t, purify, load(name) -> Promise<chunk>}. */
export function enhance(answer, streaming, { t, purify, load }) {
  const env = { t, purify };
  const use = (name, run) => load(name).then(run, () => {});
  const parts = answer.children;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.csRich === part.csSource) continue;
    const final = !streaming || i < parts.length - 1;
    if (final) part.csRich = part.csSource;
    const maths = part.querySelectorAll("code.cs-math");
    if (maths.length) use("maths", (m) => m.typeset(maths, env));
    // While a block streams, only its closed fences are final (an open one is always the last).
    const codes = [...part.querySelectorAll("pre > code")];
    const closed = final ? codes.length : (String(part.csSource).match(FENCE) || []).length >> 1;
    const ready = codes.slice(0, closed);
    const plain = ready.filter((c) => !DIAGRAM.test(c.className));
    if (plain.length) use("highlight", (m) => m.highlight(plain, env));
    const diagrams = ready.filter((c) => DIAGRAM.test(c.className));
    if (final && diagrams.length) use("diagrams", (m) => m.draw(diagrams, env));
  }
}
