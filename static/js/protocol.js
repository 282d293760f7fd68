// The one protocol across the frame boundary, shared by the chat page (embed-bridge.js) and the
// host-page script (embed/): every message is {type: MESSAGE_TYPE, bubble, name, detail}.

export const MESSAGE_TYPE = "chatskins";

/** Page lifecycle events forwarded to the host page (`chatskins:<name>` on the page's document). */
export const FORWARDED = ["ready", "message", "answer", "error", "conversation", "feedback", "close", "expand"];

/** Of those, the ones the host script hands to `on()` listeners as they are. */
export const PUBLIC_EVENTS = ["message", "answer", "error", "conversation", "feedback"];

/** The name of a host-to-page message, and the actions it may carry. */
export const COMMAND = "command";
export const ACTIONS = ["send", "reset", "setInputs", "focus"];

/** A gallery preview that can take "try your own" values now asks its gallery for them (a load event can come first). */
export const PREVIEW_READY = "preview-ready";

export function message(bubble, name, detail) {
  return { type: MESSAGE_TYPE, bubble, name, detail };
}
