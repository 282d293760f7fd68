// Message times (`show_timestamps`): each message's <time datetime>, written in the page language
// and the visitor's own time zone; today's show the time only, older ones the date too.
const formats = {};
const TIME = { timeStyle: "short" };
const DATE = { dateStyle: "medium", timeStyle: "short" };
const FULL = { dateStyle: "full", timeStyle: "short" };

function format(lang, opts, date) {
  const key = lang + JSON.stringify(opts);
  try {
    formats[key] ||= new Intl.DateTimeFormat(lang, opts);
  } catch {
    formats[key] = new Intl.DateTimeFormat(undefined, opts); // a language tag this browser does not know
  }
  return formats[key].format(date);
}

/** Shows when message `m` was sent in its node `li` (once per time). */
export function stamp(li, m, lang, now = new Date()) {
  const box = li.querySelector("[data-cs-time]");
  if (!box || !Number.isFinite(m.at) || li.csAt === m.at) return;
  li.csAt = m.at;
  const d = new Date(m.at);
  box.dateTime = d.toISOString();
  box.textContent = format(lang, d.toDateString() === now.toDateString() ? TIME : DATE, d);
  box.title = format(lang, FULL, d);
  box.hidden = false;
}

/** Builds the formats while the page is idle: the first costs the most, better not in the task that sends. */
export function warmStamps(lang) {
  (globalThis.requestIdleCallback || setTimeout)(() => {
    const d = new Date();
    for (const opts of [TIME, DATE, FULL]) format(lang, opts, d);
  });
}
