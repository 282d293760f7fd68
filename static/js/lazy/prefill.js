// Lazy chunk: the link's prefill, checked by the server (cfg.prefill, chat_skins/prefill.py): values for the app's
// form, the question in the message box, and with `send=1` that question sent once. The link's
// prefill parameters then leave the address bar, and the tab remembers the question was sent, so
// neither a reload nor the host page reloading an embedded chat sends it again.

/** deps: {cfg, el, ctl, content, fresh()} */
export function applyPrefill({ cfg, el, ctl, content, fresh }) {
  const p = cfg.prefill;
  if (!p || typeof p !== "object" || cfg.preview) return;
  const inputs = p.inputs && typeof p.inputs === "object" ? p.inputs : {};
  if (Object.keys(inputs).length) {
    ctl.setInputs(inputs); // fields the form does not show (hidden ones) still reach the app
    content.form().set(inputs);
  }
  dropFromAddress(Array.isArray(p.keys) ? p.keys : []);
  const q = typeof p.q === "string" ? p.q : "";
  if (!q) return;
  const key = `chatskins:${cfg.hookId || "local"}:prefill-sent`;
  if (p.send && session(key) !== q) {
    session(key, q);
    if (ctl.conv.messages.length) fresh();
    if (ctl.send(q)) return;
  }
  el.input.value = q;
  el.input.dispatchEvent(new Event("input"));
}

function session(key, value) {
  try {
    if (value === undefined) return sessionStorage.getItem(key);
    sessionStorage.setItem(key, value);
  } catch {
    /* no session storage: the address bar no longer holds the prefill anyway */
  }
  return null;
}

function dropFromAddress(keys) {
  try {
    const url = new URL(location.href);
    for (const k of keys) url.searchParams.delete(k);
    if (url.href !== location.href) history.replaceState(history.state, "", url);
  } catch {
    /* a sandboxed or opaque document: nothing to tidy */
  }
}
