// Loaded only for answers that have them: an agent step's tool input and output (show_tool_details),
// collapsed, as code; and the gallery of images the app sent as files.
import { h } from "../dom.js";

export function toolDetails(label, tool, t) {
  const code = (title, body) =>
    body ? [h("p", { class: "cs-tool-io", text: title }), h("pre", { tabindex: 0 }, h("code", { text: body }))] : [];
  return h(
    "details",
    { class: "cs-tool" },
    h("summary", { dir: "auto", text: label }),
    ...code(t("answer.toolInput"), tool.input),
    ...code(t("answer.toolOutput"), tool.output),
  );
}

/** The gallery; `gate` (markdown.js gateImages) decides which images load at once. */
export function gallery(files, t, gate) {
  const box = h("div", { class: "cs-files", role: "group", "aria-label": t("answer.files") });
  // Built in an inert document: no image loads before the gate decided.
  const holder = document.implementation.createHTMLDocument("").createElement("div");
  for (const f of files) {
    const img = holder.ownerDocument.createElement("img");
    img.setAttribute("loading", "lazy");
    img.setAttribute("referrerpolicy", "no-referrer");
    img.setAttribute("alt", t("answer.image"));
    img.setAttribute("src", f.url);
    holder.append(img);
  }
  gate(holder);
  box.append(...holder.childNodes);
  return box;
}
