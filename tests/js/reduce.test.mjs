import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { emptyAnswer, reduce } from "../../static/js/reduce.js";

const fold = (events, start = emptyAnswer()) => events.reduce(reduce, start);
const CID = "5f0c8d1e-3b7a-4c2e-9a61-0d2f4e6b8c10";
const MID = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";

test("message and agent_message deltas append; ids are taken from any event", () => {
  const s = fold([
    { event: "message", answer: "Hel", conversation_id: CID, message_id: MID },
    { event: "agent_message", answer: "lo" },
    { event: "message", answer: "!" },
  ]);
  assert.equal(s.text, "Hello!");
  assert.equal(s.conversationId, CID);
  assert.equal(s.messageId, MID);
  assert.equal(s.done, false);
});

test("message_replace replaces the whole text; later deltas append to it", () => {
  const s = fold([
    { event: "message", answer: "bad words" },
    { event: "message_replace", answer: "[removed]" },
    { event: "message", answer: "." },
  ]);
  assert.equal(s.text, "[removed].");
});

test("message_end completes and keeps only visitor-safe citation fields", () => {
  const s = fold([
    { event: "message", answer: "x" },
    {
      event: "message_end",
      conversation_id: CID,
      message_id: MID,
      metadata: {
        usage: { total_price: "0.1" },
        retriever_resources: [
          {
            position: 1,
            dataset_name: "Handbook",
            document_name: "a.md",
            content: "text",
            score: 0.9,
            segment_id: "s",
          },
          null,
        ],
      },
    },
  ]);
  assert.equal(s.done, true);
  assert.deepEqual(s.citations, [{ position: 1, dataset: "Handbook", document: "a.md", content: "text", score: 0.9 }]);
  assert.equal(JSON.stringify(s).includes("price"), false);
});

test("message_end without citations gives an empty list", () => {
  assert.deepEqual(fold([{ event: "message_end", metadata: {} }]).citations, []);
  assert.deepEqual(fold([{ event: "message_end" }]).citations, []);
});

test("agent_thought collects tool names by position and refines thoughts", () => {
  const s = fold([
    { event: "agent_thought", position: 1, tool: "current_time", thought: "" },
    { event: "agent_thought", position: 1, tool: "current_time", thought: "I checked the clock." },
    { event: "agent_thought", position: 2, tool: "search;calculator", thought: "" },
    { event: "agent_thought", position: 3, tool: "", thought: "" },
  ]);
  assert.deepEqual(s.tools, [
    { position: 1, names: ["current_time"], thought: "I checked the clock.", labels: {} },
    { position: 2, names: ["search", "calculator"], thought: "", labels: {} },
  ]);
});

test("workflow and node events become steps with status; matched by id or by title", () => {
  let s = fold([
    { event: "workflow_started", data: { id: "wr" } },
    { event: "node_started", data: { id: "n1", title: "Start", node_type: "start" } },
    { event: "node_finished", data: { id: "n1", title: "Start", status: "succeeded", elapsed_time: 0.01 } },
    { event: "node_started", data: { title: "LLM", node_type: "llm" } },
  ]);
  assert.deepEqual(
    s.steps.map((x) => [x.title, x.status]),
    [
      ["Start", "succeeded"],
      ["LLM", "running"],
    ],
  );
  assert.equal(s.steps[0].elapsed, 0.01);
  s = fold([{ event: "node_finished", data: { title: "LLM", status: "failed" } }], s);
  assert.equal(s.steps[1].status, "failed");
  s = fold(
    [
      { event: "node_started", data: { id: "n3", title: "Answer" } },
      { event: "workflow_finished", data: { status: "succeeded" } },
    ],
    s,
  );
  assert.deepEqual(
    s.steps.map((x) => x.status),
    ["succeeded", "failed", "succeeded"],
  );
});

test("error ends the answer and keeps the partial text", () => {
  const s = fold([
    { event: "message", answer: "partial" },
    { event: "error", code: "provider_quota_exceeded", message: "Quota", status: 400 },
  ]);
  assert.equal(s.text, "partial");
  assert.deepEqual(s.error, { code: "provider_quota_exceeded", message: "Quota", status: 400 });
  assert.equal(s.done, true);
  assert.equal(fold([{ event: "error" }]).error.code, "internal_server_error");
});

test("conversation_restarted switches to the new conversation id", () => {
  const start = { ...emptyAnswer(), conversationId: "old" };
  let s = fold([{ event: "conversation_restarted", previous_conversation_id: "old", conversation_id: "new" }], start);
  assert.equal(s.restarted, true);
  assert.equal(s.conversationId, "new");
  s = fold([{ event: "conversation_restarted", conversation_id: null }], start);
  assert.equal(s.conversationId, null);
});

test("unknown and malformed events change nothing", () => {
  const s = emptyAnswer();
  assert.equal(reduce(s, { event: "tts_message", audio: "..." }), s);
  assert.equal(reduce(s, null), s);
  assert.equal(reduce(s, "message"), s);
});

test("reduce never mutates its input", () => {
  const s = Object.freeze(emptyAnswer());
  const next = reduce(s, { event: "message", answer: "x" });
  assert.equal(s.text, "");
  assert.equal(next.text, "x");
});

// Every shared fixture reduces to its answer text (the chunks are what /talk forwards, near enough).
// Shared fixtures: $CHAT_SKINS_SHARED, else the "shared" folder next to this repository (as localdify).
import { pathToFileURL } from "node:url";
const SHARED = process.env.CHAT_SKINS_SHARED
  ? pathToFileURL(process.env.CHAT_SKINS_SHARED + "/")
  : new URL("../../../shared/", import.meta.url);
const FIXTURES = new URL("fixtures/dify-streams/", SHARED);
function fixture(name) {
  return readFileSync(new URL(name, FIXTURES), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((l) => l.chunk)
    .map((l) => l.chunk);
}

let fixtureNames = [];
try {
  fixtureNames = readdirSync(FIXTURES).filter((n) => n.endsWith(".jsonl"));
} catch {
  /* fixtures live outside the repository; skip when absent */
}

test("fixtures: chat-basic, moderated, agent, chatflow and long answer reduce as expected", {
  skip: fixtureNames.length === 0,
}, () => {
  const basic = fold(fixture("chat-basic.jsonl"));
  assert.equal(basic.done, true);
  assert.equal(basic.citations.length, 2);
  assert.ok(basic.text.startsWith("## Returns in short"));
  const moderated = fold(fixture("moderated.jsonl"));
  const replace = fixture("moderated.jsonl").findLast((c) => c.event === "message_replace");
  assert.ok(moderated.text.startsWith(replace.answer));
  const agent = fold(fixture("agent-chat.jsonl"));
  assert.deepEqual(agent.tools[0].names, ["current_time"]);
  const flow = fold(fixture("chatflow.jsonl"));
  assert.ok(flow.steps.length >= 3);
  assert.ok(flow.steps.every((s) => s.status === "succeeded"));
  const long = fold(fixture("long-answer.jsonl"));
  assert.ok(long.text.length > 40000);
  const err = fold(fixture("error-midstream.jsonl"));
  assert.ok(err.error && err.text.length > 0);
});
