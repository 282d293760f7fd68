// The voice controls' icons, built as SVG nodes (never from markup strings).
const NS = "http://www.w3.org/2000/svg";

export const MIC = ["M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3Z", "M5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21"];
export const STOP = ["M7.5 7.5h9v9h-9z"];
export const SPEAKER = ["M4 9.5v5h3.5l4.5 4v-13l-4.5 4H4Z", "M15.5 9a4 4 0 0 1 0 6M18 6.5a7.5 7.5 0 0 1 0 11"];

export function icon(paths) {
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  for (const d of paths) {
    const path = document.createElementNS(NS, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}
