// Which URLs an answer may use (links, images) and which image hosts load without a click.
// The page shares Dify's origin: nothing in an answer may point back at it, except the app's own
// files (Dify serves them, signed, under /files/).
function here() {
  return globalThis.location && /^https?:$/.test(globalThis.location.protocol) ? globalThis.location : null;
}

// {url, own} for a URL an answer may use in `kind` ("link" or "image"), or null.
export function checkURL(raw, kind, base = here()) {
  const value = String(raw || "").trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters in a URL are exactly what this refuses
  if (!value || /[\\\u0000-\u001f\u007f]/.test(value)) return null;
  let url;
  try {
    url = base ? new URL(value, base.href) : new URL(value);
  } catch {
    return null;
  }
  const own = !!base && url.origin === base.origin;
  if (own) return url.pathname.startsWith("/files/") && !url.username && !url.password ? { url, own: true } : null;
  if (url.username || url.password) return null;
  if (url.protocol === "https:") return { url, own: false };
  // Links may also start mail or a call; plain http is refused like everything else that is not https.
  if (kind === "link" && (url.protocol === "mailto:" || url.protocol === "tel:") && /^[a-z]+:/i.test(value))
    return { url, own: false };
  return null;
}

// Image hosts whose images load at once: "*" (any), or host names (a leading "*." matches subdomains).
let imageHosts = [];
export function setImageHosts(list) {
  imageHosts = Array.isArray(list) ? list.filter((h) => typeof h === "string" && h).map((h) => h.toLowerCase()) : [];
}

export function imageHostAllowed(host) {
  host = String(host || "").toLowerCase();
  return imageHosts.some((h) => h === "*" || h === host || (h.startsWith("*.") && host.endsWith(h.slice(1))));
}
