// A built-in sample exchange for previews (gallery, screenshots): no network, no storage. Its words
// come from the catalogue (`preview.*`, sent only to previews); the Markdown is added here. A lazy
// chunk: only previews load it, before the page starts (chat-page.js).
import { PREVIEW_READY, message } from "../protocol.js";

export function sampleConversation(t) {
  const answer = [
    t("preview.answer.refund", {
      method: `**${t("preview.answer.method")}**`,
      days: `*${t("preview.answer.days")}*`,
    }),
    "",
    `1. ${t("preview.answer.step1", { path: `**${t("preview.answer.path")}**` })}`,
    `2. ${t("preview.answer.step2")}`,
    `3. ${t("preview.answer.step3")}`,
    "",
    `${t("preview.answer.tracking", { code: "`RT-2048-XK`" })} ${t("preview.answer.questions", {
      policy: `[${t("preview.answer.policy")}](https://example.com/returns)`,
    })}`,
  ].join("\n");
  return {
    id: "preview",
    conversationId: null,
    title: t("preview.title"),
    updated: Date.now(),
    inputs: {},
    messages: [
      { role: "user", text: t("preview.question") },
      {
        role: "bot",
        text: answer,
        messageId: null,
        conversationId: null,
        citations: [
          {
            position: 1,
            dataset: t("preview.source.dataset"),
            document: "returns-policy.md",
            content: t("preview.source.content"),
            score: 0.87,
          },
        ],
        steps: [],
        tools: [],
        error: null,
        done: true,
      },
    ],
  };
}

/**
 * A preview opens at the top of the sample (the question and the start of the answer, as a visitor
 * first sees them) and takes the gallery's "try your own" values from the page that frames it, if
 * that page is on this origin; lazy/trial.js checks and applies them.
 */
export function startPreview({ scroll, jump }, apply) {
  scroll.scrollTop = 0;
  jump.remove(); // nothing to jump to in a picture of the top of the chat

  if (window.parent === window) return;
  // Framed, a preview is a picture: the gallery makes the frame inert, and so does the page itself.
  document.body.inert = true;
  addEventListener("message", (e) => {
    if (e.origin === location.origin && e.source === window.parent) apply(e.data);
  });
  window.parent.postMessage(message("", PREVIEW_READY, null), location.origin);
}
