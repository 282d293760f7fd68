// The Markdown export: the conversation as the visitor read it, reasoning left out like Copy does.
import assert from "node:assert/strict";
import { test } from "node:test";
import { freshConversation } from "../../static/js/chat/conversation.js";
import { conversationMarkdown } from "../../static/js/chat/export.js";

const t = (key) => key;

function exported(...answers) {
  const c = freshConversation();
  c.title = "Reasoning";
  for (const text of answers) c.messages.push({ role: "user", text: "Why?" }, { role: "bot", text });
  return conversationMarkdown(c, { bot: "Ana", t });
}

test("export leaves out a reasoning model's <think> block and keeps the answer", () => {
  const md = exported("<think>\nThe visitor asks why; check the policy first.\n</think>\n\nBecause **30 days** apply.");
  assert.doesNotMatch(md, /think|check the policy/i);
  assert.match(md, /\*\*Ana:\*\*\n\nBecause \*\*30 days\*\* apply\.\n/);
});

test("export leaves out Dify's <details data-think> form too, and an unclosed block", () => {
  const md = exported(
    '<details style="color:gray" data-think=true>\n<summary>Thinking...</summary>Weighing options\n</details>\n\nAnswer A.',
    "Answer B.<think>still reasoning when stopped",
  );
  assert.doesNotMatch(md, /details|summary|Thinking|Weighing|think|still reasoning/i);
  assert.match(md, /Answer A\./);
  assert.match(md, /Answer B\./);
});

test("export keeps the visitor's own words as typed", () => {
  const c = freshConversation();
  c.messages.push({ role: "user", text: "What does <think> mean?" }, { role: "bot", text: "A tag." });
  assert.match(conversationMarkdown(c, { bot: "Ana", t }), /What does <think> mean\?/);
});
