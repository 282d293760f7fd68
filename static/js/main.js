// Entry point: read the page config the server put on #cs-app and start the chat client.
import "./embed-bridge.js";
import { startApp } from "./app.js";

const root = document.getElementById("cs-app");
if (root) {
  let config = {};
  try {
    config = JSON.parse(root.dataset.config || "{}") || {};
  } catch {
    /* a broken config still gets a working page with defaults */
  }
  startApp(root, config);
}
