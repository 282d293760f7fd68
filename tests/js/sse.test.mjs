import { test } from "node:test";
import assert from "node:assert/strict";
import { createSSEParser, decodeEvent } from "../../static/js/sse.js";

function parseIn(chunks) {
  const out = [];
  const p = createSSEParser((e) => out.push(e));
  for (const c of chunks) p.push(c);
  p.end();
  return out;
}

const STREAM =
  ": keep-alive\n\n" +
  'data: {"event": "message", "answer": "Hel"}\n\n' +
  'data: {"event": "message", "answer": "lo\\n\\nworld 日本語 🎉"}\r\n\r\n' +
  "event: custom\r\ndata: line one\r\ndata: line two\r\n\r\n" +
  "data:no-space\rdata:  two-spaces\r\r" +
  'id: 7\ndata: {"event": "message_end"}\n\n';

const EXPECTED = [
  { type: "message", data: '{"event": "message", "answer": "Hel"}', id: "" },
  { type: "message", data: '{"event": "message", "answer": "lo\\n\\nworld 日本語 🎉"}', id: "" },
  { type: "custom", data: "line one\nline two", id: "" },
  { type: "message", data: "no-space\n two-spaces", id: "" },
  { type: "message", data: '{"event": "message_end"}', id: "7" },
];

test("parses a whole stream: comments, CRLF, CR, multi-line data, event and id fields", () => {
  assert.deepEqual(parseIn([STREAM]), EXPECTED);
});

test("gives the same events whatever the chunk boundaries (every split point, two splits)", () => {
  const chars = [...STREAM]; // split on code points, as TextDecoder({stream}) would deliver them
  for (let i = 1; i < chars.length; i++) {
    assert.deepEqual(parseIn([chars.slice(0, i).join(""), chars.slice(i).join("")]), EXPECTED, `split at ${i}`);
  }
  for (let i = 1; i < chars.length; i += 7) {
    for (let j = i + 1; j < chars.length; j += 5) {
      const parts = [chars.slice(0, i), chars.slice(i, j), chars.slice(j)].map((c) => c.join(""));
      assert.deepEqual(parseIn(parts), EXPECTED, `split at ${i},${j}`);
    }
  }
});

test("one character at a time", () => {
  assert.deepEqual(parseIn([...STREAM]), EXPECTED);
});

test("a CR at the end of a chunk followed by LF is one line end, not two", () => {
  const out = parseIn(["data: a\r", "\ndata: b\r", "\n\r", "\n"]);
  assert.deepEqual(out, [{ type: "message", data: "a\nb", id: "" }]);
});

test("an unterminated last event is dropped; comments and blank frames dispatch nothing", () => {
  assert.deepEqual(parseIn([": only a comment\n\n\n\ndata: partial"]), []);
});

test("decodeEvent keeps JSON objects and refuses anything else", () => {
  assert.deepEqual(decodeEvent({ type: "message", data: '{"event":"message","answer":"x"}' }), {
    event: "message",
    answer: "x",
  });
  assert.equal(decodeEvent({ type: "message", data: "not json" }), null);
  assert.equal(decodeEvent({ type: "message", data: "[1,2]" }), null);
  assert.equal(decodeEvent({ type: "message", data: "null" }), null);
  assert.deepEqual(decodeEvent({ type: "ping", data: "{}" }), { event: "ping" });
});
