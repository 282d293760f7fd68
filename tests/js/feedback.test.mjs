// The feedback chunk's pure parts and the protocol entry that carries its event to the host page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { questionFor, voteBody } from "../../static/js/lazy/feedback.js";
import { FORWARDED, PUBLIC_EVENTS } from "../../static/js/protocol.js";

const conv = {
  conversationId: "c-conv",
  messages: [
    { role: "user", text: "first question" },
    { role: "bot", text: "x".repeat(900), messageId: "m1", conversationId: "c-msg" },
    { role: "user", text: "second question" },
    { role: "bot", text: "short", messageId: "m2" },
  ],
};

test("an answer's question is the nearest visitor message before it", () => {
  assert.equal(questionFor(conv.messages, 1), "first question");
  assert.equal(questionFor(conv.messages, 3), "second question");
  assert.equal(questionFor(conv.messages, 0), "");
});

test("a vote sends the ids, the vote, the question and the first 500 characters of the answer", () => {
  assert.deepEqual(voteBody(conv, 1, "up", "ignored for up"), {
    conversation_id: "c-msg",
    message_id: "m1",
    vote: "up",
    question: "first question",
    answer: "x".repeat(500),
  });
  const down = voteBody(conv, 3, "down", "r".repeat(400));
  assert.equal(down.conversation_id, "c-conv");
  assert.equal(down.reason.length, 300);
  assert.equal("reason" in voteBody(conv, 3, "down", ""), false);
});

test("the feedback event crosses the frame and reaches the host's listeners", () => {
  assert.ok(FORWARDED.includes("feedback"));
  assert.ok(PUBLIC_EVENTS.includes("feedback"));
});
