// The conversations drawer (chat/drawer.js): a lazy chunk, loaded when the visitor first opens it.
export { createDrawer } from "../chat/drawer.js";
