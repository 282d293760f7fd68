// Export of a conversation as a Markdown file.
import { withoutThink } from "../answer/think.js";
import { h } from "../dom.js";

/** The Markdown text of `conv`, or "" when it has no messages. Answers leave out their reasoning, as Copy does. */
export function conversationMarkdown(conv, { bot, t, showSources = true }) {
  if (!conv.messages.length) return "";
  const lines = [`# ${conv.title || bot}`, ""];
  for (const m of conv.messages) {
    const text = m.role === "user" ? m.text || "" : withoutThink(m.text);
    lines.push(`**${m.role === "user" ? t("you") : bot}:**`, "", text, "");
    if (m.role === "bot" && showSources && m.citations?.length) {
      lines.push(`${t("sources")}:`, ...m.citations.map((c) => `- ${c.document || c.dataset}`), "");
    }
  }
  return lines.join("\n");
}

/** A file name (without extension) from a conversation title. */
export function exportName(title) {
  return (
    (title || "conversation")
      .replace(/[^\p{L}\p{N}]+/gu, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 60) || "conversation"
  );
}

/** Downloads the conversation; false (nothing downloaded) when it is empty. */
export function exportConversation(conv, opts) {
  const text = conversationMarkdown(conv, opts);
  if (!text) return false;
  const url = URL.createObjectURL(new Blob([text], { type: "text/markdown;charset=utf-8" }));
  const a = h("a", { href: url, download: `${exportName(conv.title)}.md` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return true;
}
