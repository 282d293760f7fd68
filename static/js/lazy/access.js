// The access-code gate (chat/access.js): a lazy chunk, since most pages have no access code. chat-page.js
// loads it before a locked page starts.
export { createAccess } from "../chat/access.js";
