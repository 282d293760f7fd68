// What a form in an answer sends, as Dify's WebApp sends it: `data-format="json"` a JSON object of
// the named values, otherwise (`text`, the default) one `name: value` line per value. Pure.

const NAME = /^\p{L}[\p{L}\p{M}\p{N}_()!*&（）！＊＆－-]*$/u;
const RESERVED = new Set(["__proto__", "constructor", "prototype"]);

/** A field name a form may use: letters first, at most 128 characters, no prototype keys. */
export function safeName(name) {
  return typeof name === "string" && name.length > 0 && name.length <= 128 && NAME.test(name) && !RESERVED.has(name);
}

/** The message for [[name, value], ...] (value a string or a boolean) in `format` ("json" or "text"). */
export function formMessage(entries, format) {
  const values = {};
  for (const [name, value] of entries) {
    if (!safeName(name)) continue;
    values[name] = typeof value === "boolean" ? value : String(value ?? "");
  }
  if (String(format).toLowerCase() === "json") return JSON.stringify(values);
  return Object.entries(values)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n");
}

/** The options of `<input type="select" data-options='["a","b"]'>`: strings only, at most `max`. */
export function parseOptions(raw, max = 100) {
  try {
    const list = JSON.parse(String(raw || "[]"));
    return Array.isArray(list) ? list.filter((o) => typeof o === "string").slice(0, max) : [];
  } catch {
    return [];
  }
}
