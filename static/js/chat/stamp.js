// Message times (`show_timestamps`): each message's <time datetime>, written in the page language
// and the visitor's own time zone; today's show the time only, older ones the date too.
const formats = new Map();

function formatter(lang, style) {
  const key = `${lang} ${style}`;
  if (!formats.has(key)) {
    const opts =
      style === "time"
        ? { timeStyle: "short" }
        : style === "full"
          ? { dateStyle: "full", timeStyle: "short" }
          : { dateStyle: "medium", timeStyle: "short" };
    let f;
    try {
      f = new Intl.DateTimeFormat(lang, opts);
    } catch {
      f = new Intl.DateTimeFormat(undefined, opts); // a language tag this browser does not know
    }
    formats.set(key, f);
  }
  return formats.get(key);
}

/** Shows when message `m` was sent in its node `li` (once per time). */
export function stamp(li, m, lang, now = new Date()) {
  const box = li.querySelector("[data-cs-time]");
  if (!box || !Number.isFinite(m.at) || li.csAt === m.at) return;
  li.csAt = m.at;
  const d = new Date(m.at);
  box.dateTime = d.toISOString();
  box.textContent = formatter(lang, d.toDateString() === now.toDateString() ? "time" : "date").format(d);
  box.title = formatter(lang, "full").format(d);
  box.hidden = false;
}
