// Pure language helpers of the page client. The server decides the language and sends its strings
// (cfg.strings, from locales/<lang>.json); this maps error codes to keys, looks keys up in those
// strings, and formats numbers and durations with Intl in the page's language.

// /talk and unlock error codes -> message keys. Unknown codes fall back to "err.generic".
export const ERROR_KEYS = {
  invalid_json: "err.request",
  unsupported_media_type: "err.request",
  invalid_param: "err.request",
  invalid_conversation_id: "err.request",
  payload_too_large: "err.tooLong",
  query_required: "err.empty",
  query_too_long: "err.tooLong",
  invalid_inputs: "err.inputs",
  unauthorized: "err.access",
  invalid_access_code: "err.access",
  access_code_not_set: "err.notConfigured",
  too_many_attempts: "err.tooMany",
  access_misconfigured: "accessMisconfigured",
  cross_site_request: "err.generic",
  app_not_configured: "err.notConfigured",
  app_unavailable: "err.unavailable",
  provider_not_initialize: "err.provider",
  provider_quota_exceeded: "err.quota",
  model_currently_not_support: "err.provider",
  completion_request_error: "err.model",
  rate_limited: "err.busy",
  internal_server_error: "err.generic",
  stream_broken: "err.broken",
  empty_answer: "err.model",
  timeout: "err.timeout",
  answer_cut: "err.cut",
  app_paused: "err.paused",
  limit_reached: "err.limit_reached",
  feedback_off: "feedback.failed",
  feedback_unavailable: "feedback.failed",
  // The export's: for operators' scripts, never shown on a page.
  feedback_export_off: "err.generic",
  feedback_key_required: "err.generic",
  // Voice (speak, listen; docs/voice.md).
  tts_not_configured: "voice.speakFailed",
  speech_failed: "voice.speakFailed",
  text_required: "voice.speakFailed",
  text_too_long: "voice.speakFailed",
  stt_not_configured: "voice.failed",
  transcription_failed: "voice.failed",
  empty_body: "voice.empty",
  // The client's own: fetch failed (offline, DNS, connection reset).
  network_error: "err.network",
};

// "30 seconds", "5 minutes" in the page's language: how long to wait before trying a code again.
export function formatWait(lang, seconds) {
  const s = Math.max(1, Math.ceil(Number(seconds) || 1));
  const [n, unit] = s >= 90 ? [Math.ceil(s / 60), "minute"] : [s, "second"];
  try {
    return new Intl.NumberFormat(lang, { style: "unit", unit, unitDisplay: "long" }).format(n);
  } catch {
    return `${n} ${unit}${n === 1 ? "" : "s"}`;
  }
}

/** A count in the page's language (its digits and grouping). */
export function formatCount(lang, n) {
  try {
    return new Intl.NumberFormat(lang).format(n);
  } catch {
    return String(n);
  }
}

export function errorKey(code) {
  return Object.hasOwn(ERROR_KEYS, code) ? ERROR_KEYS[code] : "err.generic";
}

/** The page's language as the server resolved it (`cfg.lang`), English when absent. */
export function pageLanguage(cfg) {
  return typeof cfg.lang === "string" && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(cfg.lang) ? cfg.lang : "en";
}

/** `t(key, vars)` over the server's strings; a key the strings lack shows as itself. */
export function translator(strings) {
  const table = strings && typeof strings === "object" ? strings : {};
  return (key, vars) => {
    let s = Object.hasOwn(table, key) && typeof table[key] === "string" ? table[key] : key;
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
    return s;
  };
}
