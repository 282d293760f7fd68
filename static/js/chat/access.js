// The access-code gate: the token kept in storage, the dialog that trades a code for one, and the
// private page content (welcome, suggestions, form) that comes with the unlock answer.
import { errorKey, formatWait } from "../i18n.js";
import { unlock } from "../talk.js";

/** The stored token if it has not expired, else null. */
export function validToken(store, now = Date.now()) {
  const tok = store.get("token");
  if (!tok || typeof tok.token !== "string") return null;
  let exp = tok.expiresAt;
  if (typeof exp === "string") exp = Date.parse(exp);
  else if (typeof exp === "number" && exp < 1e12) exp *= 1000; // seconds
  if (typeof exp === "number" && Number.isFinite(exp) && exp <= now) return null;
  return tok.token;
}

/** deps: {el, cfg, t, lang, store, urls, onPage(page), focusInput()} */
export function createAccess({ el, cfg, t, lang, store, urls, onPage, focusInput }) {
  let pending = null; // what to do once unlocked (send the question that was waiting)

  function open(message = "") {
    el.accessError.textContent = message;
    if (!el.access.open) el.access.showModal();
    el.accessCode.focus();
  }

  function refusal(err) {
    if (err.code === "too_many_attempts") return t("accessTooMany", { time: formatWait(lang, err.retryAfter) });
    if (err.code === "network_error") return t("err.network");
    if (err.code === "invalid_access_code") return t("accessWrong");
    return t(errorKey(err.code));
  }

  el.accessForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const code = el.accessCode.value.trim();
    if (!code) return (el.accessError.textContent = t("required", { label: t("accessLabel") }));
    try {
      const tok = await unlock(urls.unlock, code);
      store.set("token", { token: tok.token, expiresAt: tok.expiresAt });
      if (tok.page) onPage(tok.page);
      el.accessCode.value = "";
      el.access.close();
      focusInput();
      const next = pending;
      pending = null;
      if (next) next();
    } catch (err) {
      el.accessError.textContent = refusal(err);
      el.accessCode.setAttribute("aria-invalid", "true");
      el.accessCode.select();
    }
  });
  // Without a valid code nothing works: the gate cannot be dismissed (outside embed mode).
  el.access.addEventListener("cancel", (e) => {
    if (!cfg.embed) e.preventDefault();
  });

  return {
    required: !!cfg.accessRequired,
    token: () => validToken(store),
    ask(next) {
      pending = next;
      open();
    },
    // The server refused the token: forget it and ask for the code again.
    expired(next) {
      store.remove("token");
      pending = next;
      open();
    },
    // A locked page on load: a held token brings the private content back; a refused one asks for the code.
    resume() {
      const held = validToken(store);
      if (!held) return open();
      unlock(urls.unlock, null, undefined, held).then(
        (tok) => tok.page && onPage(tok.page),
        (err) => {
          if (err && err.status === 401) {
            store.remove("token");
            open();
          }
        },
      );
    },
  };
}
