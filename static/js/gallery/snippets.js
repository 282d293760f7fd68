// What the gallery copies: the endpoint settings, the page URL, an iframe and the embed line, built from
// the cleaned "try your own" values. Everything lands in text nodes or the clipboard, never in HTML.

const escapeAttr = (text) =>
  String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The public URL of a sibling endpoint path, relative to this page (`/e/<hook>/skins`). */
export const urlFor = (path, base = document.baseURI) => new URL(path, base).href;

/**
 * values: {skin, botName, accent, avatarUrl} (cleaned); fallbackName: the bot name when none is typed.
 * Returns {settings, url, iframe, script}.
 */
export function snippets(values, { base = document.baseURI, fallbackName = "Assistant" } = {}) {
  const { skin, botName, accent, avatarUrl } = values;
  const url = urlFor(skin, base);
  // YAML with JSON-quoted values: valid for config/endpoints.yaml, and each value reads plainly for Dify's form.
  const settings = [
    `skin: ${skin}`,
    botName && `bot_name: ${JSON.stringify(botName)}`,
    accent && `accent_color: ${JSON.stringify(accent)}`,
    avatarUrl && `avatar_url: ${JSON.stringify(avatarUrl)}`,
  ].filter(Boolean);
  const data = [
    ["skin", skin],
    ["color", accent],
    ["title", botName],
    ["icon", avatarUrl],
  ]
    .filter(([, v]) => v)
    .map(([k, v]) => ` data-${k}="${escapeAttr(v)}"`)
    .join("");
  return {
    settings: settings.join("\n"),
    url,
    iframe: `<iframe src="${escapeAttr(url)}" title="${escapeAttr(botName || fallbackName)}" style="width:100%;height:640px;border:0" allow="clipboard-write"></iframe>`,
    script: `<script src="${escapeAttr(urlFor("embed.js", base))}"${data} async></script>`,
  };
}
