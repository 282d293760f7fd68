// Loads a lazy chunk (static/js/lazy/<name>.js, built to gen/lazy/) once, by the URL the page config gives.
const loading = new Map();

export function chunkUrl(chunks, name) {
  const url = chunks && Object.hasOwn(chunks, name) ? chunks[name] : null;
  // Config URLs are relative to the page; import() in a classic script resolves against the script instead.
  return typeof url === "string" && url ? new URL(url, document.baseURI).href : null;
}

export function loadChunk(chunks, name) {
  if (!loading.has(name)) {
    const url = chunkUrl(chunks, name);
    const promise = url ? import(url) : Promise.reject(new Error(`no chunk ${name}`));
    // A failed load (offline, deploy in between) may be retried on the next need.
    promise.catch(() => loading.delete(name));
    loading.set(name, promise);
  }
  return loading.get(name);
}
