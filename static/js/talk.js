// Transport: POST the question to the relative `talk` URL and stream its SSE frames back as events.
import { createSSEParser, decodeEvent } from "./sse.js";

export class TalkError extends Error {
  constructor(code, message = "", status = null) {
    super(message || code);
    this.code = code;
    this.status = status;
  }
}

async function errorFrom(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON: keep the status only */
  }
  const code =
    body && typeof body.code === "string" ? body.code : res.status === 401 ? "unauthorized" : "http_" + res.status;
  const err = new TalkError(code, body && typeof body.message === "string" ? body.message : "", res.status);
  // Seconds to wait before trying again (429 from unlock); null when the server did not say.
  const wait = Number.parseInt(res.headers.get("Retry-After") || "", 10);
  err.retryAfter = Number.isFinite(wait) && wait > 0 ? wait : null;
  return err;
}

function post(url, body, { token, signal, accept = "application/json" } = {}) {
  const headers = { "Content-Type": "application/json", Accept: accept };
  if (token) headers.Authorization = `Bearer ${token}`;
  // Dify's cookies are of no use here: never send them.
  return fetch(url, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
    signal,
    credentials: "omit",
    cache: "no-store",
  }).catch((e) => {
    if (e && e.name === "AbortError") throw e;
    throw new TalkError("network_error", String((e && e.message) || e));
  });
}

// Streams one answer; resolves when the stream ends. Throws TalkError for HTTP and network failures
// (the error event of a stream is an ordinary event), AbortError when stopped.
export async function talk(url, body, { token, signal, onEvent }) {
  const res = await post(url, body, { token, signal, accept: "text/event-stream" });
  if (!res.ok) throw await errorFrom(res);
  if (!res.body) throw new TalkError("network_error");
  let finished = false;
  const parser = createSSEParser((sse) => {
    const ev = decodeEvent(sse);
    if (!ev) return;
    if (ev.event === "message_end" || ev.event === "error") finished = true;
    onEvent(ev);
  });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.push(decoder.decode(value, { stream: true }));
    }
    parser.push(decoder.decode());
  } catch (e) {
    if (e && e.name === "AbortError") throw e;
    throw new TalkError("stream_broken", String((e && e.message) || e));
  } finally {
    parser.end();
  }
  // A stream that just stops (no message_end, no error) was cut somewhere on the way.
  if (!finished) throw new TalkError("stream_broken");
}

// Trades the code, or (code null) a token still held, for a token and the page's private content.
export async function unlock(url, code, signal, token = null) {
  const res = await post(url, code == null ? {} : { code }, { signal, token });
  if (!res.ok) throw await errorFrom(res);
  const data = await res.json().catch(() => null);
  if (!data || typeof data.token !== "string") throw new TalkError("invalid_response");
  const page = data.page && typeof data.page === "object" ? data.page : null;
  return { token: data.token, expiresAt: data.expires_at ?? null, page };
}
