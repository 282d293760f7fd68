// The interactive parts of an answer (Dify's dialect): message buttons, `abbr:` links that send a
// hidden message, `#name` links, media links and forms. Here only what must happen before sanitized
// DOM is inserted (no live <form> from an answer, ever) and the send path; the lazy `forms` chunk
// makes them work, loaded only when an answer has one.

let deps = { send: () => false, load: null, t: (k) => k };
let busy = false;

/** deps: {send(text) -> accepted, load() -> Promise<forms chunk>, t} */
export function setAnswerActions(next) {
  deps = { ...deps, ...next };
}

// While an answer streams, nothing in an answer can send (as the composer cannot).
export function setAnswerBusy(on) {
  busy = !!on;
  for (const el of document.querySelectorAll("[data-cs-act]")) el.disabled = busy || el.csDone === true;
}

const api = {
  say(text) {
    text = String(text ?? "").trim();
    return !!text && !busy && deps.send(text) !== false;
  },
  busy: () => busy,
  t: (k, v) => deps.t(k, v),
};

const MEDIA = /^https:[^#?]*\.(?:mp3|m4a|wav|ogg|oga|opus|flac|aac|mp4|webm|ogv|mov|m4v)(?:[?#]|$)/i;

export function enhanceAnswer(root) {
  for (const form of root.querySelectorAll("form")) {
    const box = document.createElement("div");
    box.className = "cs-form";
    box.csSource = form;
    form.replaceWith(box);
  }
  // Form parts outside a form are no controls: their words stay (a label never points elsewhere).
  for (const el of root.querySelectorAll("label, input, textarea, select, option")) el.replaceWith(...el.childNodes);
  const todo = [...root.querySelectorAll("a, button:not(.cs-code-copy):not(.cs-img-gate), .cs-form")].filter(
    (n) => n.tagName !== "A" || n.csSay != null || n.csAnchor || MEDIA.test(n.getAttribute("href") || ""),
  );
  if (todo.length && deps.load)
    deps.load().then(
      (m) => m.enhance(todo, api),
      () => {},
    );
}
