// The bridge to the host page that embeds the chat (embed-bridge.js): a lazy chunk, since most pages are
// not embedded. chat-page.js loads it before the page starts, so the bridge hears `ready`.
export { startEmbedBridge } from "../embed-bridge.js";
