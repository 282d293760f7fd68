// Incremental Server-Sent Events parser: feed it text in chunks of any size, get whole events.
// Follows the WHATWG rules that matter here: LF, CR and CRLF line ends (even split across chunks),
// comment lines, multi-line data joined with "\n", one optional space after the colon.

export function createSSEParser(onEvent) {
  let buffer = "";
  let pendingCR = false; // last chunk ended in "\r": a following "\n" belongs to it
  let data = [];
  let type = "";
  let id = "";

  function dispatch() {
    if (data.length) onEvent({ type: type || "message", data: data.join("\n"), id });
    data = [];
    type = "";
  }

  function line(text) {
    if (text === "") return dispatch();
    if (text[0] === ":") return; // comment, e.g. the keep-alive sent before the first token
    const colon = text.indexOf(":");
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? "" : text.slice(colon + 1);
    if (value[0] === " ") value = value.slice(1);
    if (field === "data") data.push(value);
    else if (field === "event") type = value;
    else if (field === "id" && !value.includes("\0")) id = value;
  }

  return {
    push(chunk) {
      if (pendingCR && chunk[0] === "\n") chunk = chunk.slice(1);
      pendingCR = false;
      buffer += chunk;
      let start = 0;
      for (;;) {
        const lf = buffer.indexOf("\n", start);
        const cr = buffer.indexOf("\r", start);
        let end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
        if (end < 0) break;
        line(buffer.slice(start, end));
        if (buffer[end] === "\r") {
          if (end + 1 === buffer.length) {
            pendingCR = true;
            start = end + 1;
            break;
          }
          if (buffer[end + 1] === "\n") end++;
        }
        start = end + 1;
      }
      buffer = buffer.slice(start);
    },
    // The stream ended: per spec an unterminated event is dropped, not dispatched.
    end() {
      buffer = "";
      data = [];
      type = "";
    },
  };
}

// Turns one SSE event into a Dify-style event object, or null when it is not JSON we understand.
export function decodeEvent(sse) {
  let obj;
  try {
    obj = JSON.parse(sse.data);
  } catch {
    return null;
  }
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) return null;
  if (typeof obj.event !== "string") obj.event = sse.type;
  return obj;
}
