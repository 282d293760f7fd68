// Loads a lazy chunk (static/js/lazy/<name>.js, built to gen/lazy/) once, by the URL the page config
// gives, together with its stylesheet when it has one (static/css/lazy/<style>.css).
const loading = new Map();
const styles = new Map();

export function chunkUrl(chunks, name) {
  const url = chunks && Object.hasOwn(chunks, name) ? chunks[name] : null;
  // Config URLs are relative to the page; import() in a classic script resolves against the script instead.
  return typeof url === "string" && url ? new URL(url, document.baseURI).href : null;
}

// Resolves when the sheet has loaded or failed: a chunk without its styles still works, only plainer.
function loadStyle(chunks, style) {
  const url = chunkUrl(chunks, `${style}.css`);
  if (!url) return Promise.resolve();
  if (!styles.has(url)) {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = url;
    styles.set(
      url,
      new Promise((done) => {
        link.onload = link.onerror = () => done();
      }),
    );
    // Before the operator's stylesheet, if any, so custom_css still has the last word.
    const custom = document.querySelector("link[data-cs-custom-css]");
    if (custom) custom.before(link);
    else document.head.append(link);
  }
  return styles.get(url);
}

export function loadChunk(chunks, name, style = name) {
  if (!loading.has(name)) {
    const url = chunkUrl(chunks, name);
    const promise = url
      ? Promise.all([import(url), loadStyle(chunks, style)]).then(([mod]) => mod)
      : Promise.reject(new Error(`no chunk ${name}`));
    // A failed load (offline, deploy in between) may be retried on the next need.
    promise.catch(() => loading.delete(name));
    loading.set(name, promise);
  }
  return loading.get(name);
}
