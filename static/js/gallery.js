// The skin gallery: absolute URLs and snippets are built here, since only the browser knows the public URL.
const main = document.getElementById("g-main");
const status = document.getElementById("g-status");
const config = JSON.parse(main?.dataset.config || "{}");
const botName = config.botName || "Assistant";

const escapeAttr = (text) =>
  String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The public URL of a sibling endpoint path, relative to this page (`/e/<hook>/skins`). */
export const urlFor = (path, base = document.baseURI) => new URL(path, base).href;

/** The three things a card copies, for skin `name`. */
export function snippets(name, base = document.baseURI, bot = botName) {
  const url = urlFor(name, base);
  return {
    url,
    iframe: `<iframe src="${escapeAttr(url)}" title="${escapeAttr(bot)}" style="width:100%;height:640px;border:0" allow="clipboard-write"></iframe>`,
    script: `<script src="${escapeAttr(urlFor("embed.js", base))}" data-skin="${escapeAttr(name)}" async></script>`,
  };
}

async function writeClipboard(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Older browsers and insecure contexts: copy from a temporary, off-screen text area.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch {
      ok = false;
    }
    area.remove();
    return ok;
  }
}

let clearTimer = 0;
function announce(text) {
  if (!status) return;
  status.textContent = text;
  clearTimeout(clearTimer);
  clearTimer = setTimeout(() => (status.textContent = ""), 4000);
}

for (const card of document.querySelectorAll(".g-card[data-skin]")) {
  const name = card.dataset.skin;
  const parts = snippets(name);
  const code = card.querySelector("[data-url]");
  if (code) code.textContent = parts.url;
  for (const button of card.querySelectorAll("button[data-copy]")) {
    button.addEventListener("click", async () => {
      const text = parts[button.dataset.copy];
      const ok = await writeClipboard(text);
      for (const other of document.querySelectorAll("button[data-copied]")) other.removeAttribute("data-copied");
      if (ok) button.setAttribute("data-copied", "");
      card.dataset.lastCopy = ok ? text : "";
      announce(ok ? config.copied || "Copied." : config.copyFailed || "Could not copy.");
    });
  }
}
