// The Markdown export, fetched the first time a visitor exports (chat/export.js holds the logic).
export { exportConversation } from "../chat/export.js";
