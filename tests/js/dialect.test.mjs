// Issue 13, the pure parts of the answer dialect: reasoning split out of deltas cut anywhere, its
// timings, streaming tails, abbr: decoding, form messages as Dify's WebApp sends them, and the
// inline HTML that passes to the sanitizer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formMessage, parseOptions, safeName } from "../../static/js/answer/form-values.js";
import { createController } from "../../static/js/chat/controller.js";
import { closeTail } from "../../static/js/answer/tail.js";
import { settleThinks, splitThink, thinkSeconds, trackThinks, withoutThink } from "../../static/js/answer/think.js";
import { htmlPiece, markdownToHTML } from "../../static/js/markdown.js";
import { emptyAnswer, reduce } from "../../static/js/reduce.js";
import { normalizeMessage } from "../../static/js/store.js";

const ANSWER = "<think>\nThe user asks about tides.\nThe moon pulls.\n</think>\n\nTides come from the **moon**.";

// Every way to cut `text` into deltas of `size` characters, from every offset.
function splits(text, size) {
  const out = [];
  for (let first = 1; first <= size; first++) {
    const deltas = [text.slice(0, first)];
    for (let i = first; i < text.length; i += size) deltas.push(text.slice(i, i + size));
    out.push(deltas);
  }
  return out;
}

test("think: a closed block and the answer after it", () => {
  assert.deepEqual(splitThink(ANSWER), [
    { think: true, text: "The user asks about tides.\nThe moon pulls.", closed: true },
    { think: false, text: "Tides come from the **moon**." },
  ]);
  assert.equal(withoutThink(ANSWER), "Tides come from the **moon**.");
});

test("think: Dify's <details data-think> form and its end flag read the same", () => {
  const dify = "<details data-think=true>\nPondering.\n[ENDTHINKFLAG]</details>\nDone.";
  assert.deepEqual(splitThink(dify), [
    { think: true, text: "Pondering.", closed: true },
    { think: false, text: "Done." },
  ]);
  // A details block without data-think is ordinary HTML, not reasoning.
  assert.deepEqual(splitThink("<details><summary>x</summary>y</details>"), [
    { think: false, text: "<details><summary>x</summary>y</details>" },
  ]);
});

test("think: while streaming, no tag fragment ever shows, however the deltas are cut", () => {
  for (const size of [1, 2, 3, 5, 7]) {
    for (const deltas of splits(ANSWER, size)) {
      let text = "";
      for (const d of deltas) {
        text += d;
        const segs = splitThink(text);
        // What shows: every segment, the last one (the streaming end) through closeTail.
        for (const seg of segs.map((x, i) => (i === segs.length - 1 ? { text: closeTail(x.text) } : x))) {
          assert.ok(
            !/<\/?t(h(i(n(k)?)?)?)?(?![a-z])|<\/?$/.test(seg.text),
            `${JSON.stringify(seg.text)} after ${JSON.stringify(text)}`,
          );
          assert.ok(!seg.text.includes("think>"), seg.text);
        }
      }
      assert.deepEqual(splitThink(text), splitThink(ANSWER));
    }
  }
});

test("think: an unclosed block while streaming is open reasoning with everything after the tag", () => {
  assert.deepEqual(splitThink("<think>Still going"), [{ think: true, text: "Still going", closed: false }]);
  assert.equal(closeTail(splitThink("<think>Still going</thi")[0].text), "Still going");
  assert.equal(closeTail("Half a tag <thi"), "Half a tag ");
  assert.equal(closeTail("Press <kbd>Ctrl</k"), "Press <kbd>Ctrl");
  // Comparisons are no tags: `a < b` stays.
  assert.equal(closeTail("if a < b"), "if a < b");
});

test("think timings: start at the tag, follow the deltas, end at the closing tag, settle when stopped", () => {
  for (const deltas of splits(ANSWER, 4)) {
    let s = emptyAnswer();
    let now = 1000;
    for (const d of deltas) s = reduce(s, { event: "message", answer: d }, (now += 10));
    assert.equal(s.thinks.length, 1);
    assert.equal(s.thinks[0].done, true);
    const opened = deltas.findIndex((_, i) =>
      deltas
        .slice(0, i + 1)
        .join("")
        .includes("<think>"),
    );
    const closed = deltas.findIndex((_, i) =>
      deltas
        .slice(0, i + 1)
        .join("")
        .includes("</think>"),
    );
    assert.equal(s.thinks[0].start, 1000 + 10 * (opened + 1));
    assert.equal(s.thinks[0].end, 1000 + 10 * (closed + 1));
  }
  const open = trackThinks([], "<think>hmm", "<think>hmm", 5);
  assert.deepEqual(open, [{ start: 5, end: 5, done: false }]);
  assert.equal(thinkSeconds(open[0], 2505, true), 2.5);
  assert.equal(thinkSeconds(open[0], 2505, false), 0);
  assert.deepEqual(settleThinks(open, 905), [{ start: 5, end: 905, done: true }]);
  // Text without reasoning never pays for a split.
  const none = [];
  assert.equal(trackThinks(none, "plain text", " text", 1), none);
});

test("think timings survive storage; broken ones are dropped", () => {
  const m = normalizeMessage({
    role: "bot",
    text: ANSWER,
    thinks: [{ start: 1, end: 2501, done: true }, { start: "x" }, null],
    files: [{ type: "image", url: "https://img.example/a.png" }, { type: "image", url: 5 }, "x"],
  });
  assert.deepEqual(m.thinks, [{ start: 1, end: 2501, done: true }]);
  assert.deepEqual(m.files, [{ type: "image", url: "https://img.example/a.png" }]);
});

test("streaming tails show their final form: open **, backtick, links", () => {
  const cases = [
    ["It is **18:", "It is **18:**"],
    ["It is **18:04*", "It is **18:04**"],
    ["Run `npm te", "Run `npm te`"],
    ["Run `npm test` **now", "Run `npm test` **now**"],
    ["Read [the guide](https://exa", "Read [the guide]()"],
    ["Read [the gui", "Read the gui"],
    ["Done.\n\n**", "Done.\n\n"],
    ["```js\nconst a = `x", "```js\nconst a = `x"],
    ["**done** and `x`", "**done** and `x`"],
  ];
  for (const [tail, want] of cases) assert.equal(closeTail(tail), want, tail);
});

test("abbr: links keep their url-encoded message for the click; other schemes do not survive", () => {
  const html = markdownToHTML("[Yes, book it](abbr:Book%20the%20room%20for%20%E6%98%8E%E6%97%A5)");
  assert.match(html, /href="abbr:Book%20the%20room%20for%20%E6%98%8E%E6%97%A5"/);
  assert.equal(decodeURIComponent("Book%20the%20room%20for%20%E6%98%8E%E6%97%A5"), "Book the room for 明日");
});

test("inline HTML: the dialect's tags pass to the sanitizer, others and loose brackets stay text", () => {
  assert.equal(htmlPiece("<br>"), "<br>");
  assert.equal(
    htmlPiece('<button data-message="Hi > there">Go</button>'),
    '<button data-message="Hi > there">Go</button>',
  );
  assert.equal(
    htmlPiece("<kbd>Ctrl</kbd> <iframe src=x> a < b & c"),
    "<kbd>Ctrl</kbd> &lt;iframe src=x&gt; a &lt; b &amp; c",
  );
  assert.equal(htmlPiece("<!-- hidden --><script>x</script>"), "&lt;!-- hidden --&gt;&lt;script&gt;x&lt;/script&gt;");
  const html = markdownToHTML("H<sub>2</sub>O and x<sup>2</sup>, <mark>hot</mark>, <u>u</u> <s>s</s><br>next");
  for (const tag of ["sub", "sup", "mark", "u", "s", "br"]) assert.match(html, new RegExp(`<${tag}>`));
});

test("form messages: text is `name: value` lines, json an object; unsafe names are dropped", () => {
  const entries = [
    ["name", "Ada"],
    ["email", "ada@example.com"],
    ["agree", true],
    ["__proto__", "x"],
    ["1bad", "x"],
    ["städte", "Köln"],
  ];
  assert.equal(formMessage(entries, "text"), "name: Ada\nemail: ada@example.com\nagree: true\nstädte: Köln");
  assert.equal(formMessage(entries), "name: Ada\nemail: ada@example.com\nagree: true\nstädte: Köln");
  assert.deepEqual(JSON.parse(formMessage(entries, "json")), {
    name: "Ada",
    email: "ada@example.com",
    agree: true,
    städte: "Köln",
  });
  assert.equal(safeName("a".repeat(129)), false);
  assert.equal(safeName("constructor"), false);
  assert.deepEqual(parseOptions('["a", 2, "b"]'), ["a", "b"]);
  assert.deepEqual(parseOptions("not json"), []);
  assert.equal(parseOptions(JSON.stringify(Array(500).fill("x"))).length, 100);
});

test("message_file images and agent tool details fold into the answer", () => {
  let s = emptyAnswer();
  for (const ev of [
    { event: "message_file", type: "image", url: "https://img.example/a.png", belongs_to: "assistant" },
    { event: "message_file", type: "image", url: "/files/u.png", belongs_to: "user" },
    { event: "message_file", type: "document", url: "https://img.example/a.pdf" },
    {
      event: "agent_thought",
      position: 1,
      tool: "current_time",
      tool_labels: { current_time: { en_US: "Current Time", zh_Hans: "当前时间" } },
      tool_input: '{"tz": "Asia/Tokyo"}',
    },
    { event: "agent_thought", position: 1, tool: "current_time", tool_labels: {}, observation: "18:04" },
  ])
    s = reduce(s, ev, 1);
  assert.deepEqual(s.files, [{ type: "image", url: "https://img.example/a.png" }]);
  assert.deepEqual(s.tools, [
    {
      position: 1,
      names: ["current_time"],
      thought: "",
      labels: { current_time: { en_US: "Current Time", zh_Hans: "当前时间" } },
      input: '{"tz": "Asia/Tokyo"}',
      output: "18:04",
    },
  ]);
  // Stored and read back: labels, input and output survive; junk in them does not.
  const stored = normalizeMessage({ role: "bot", text: "x", tools: [{ ...s.tools[0], labels: { a: { en_US: 5 } } }] });
  assert.deepEqual(stored.tools[0].labels, { a: {} });
  assert.equal(stored.tools[0].output, "18:04");
});

test("a stream cut because the page goes away is stored as streaming (interrupted on return), not failed", async () => {
  const conv = { id: "c", conversationId: null, title: "", updated: 0, messages: [], inputs: {} };
  let fail;
  const saved = [];
  const ctl = createController({
    cfg: { urls: { talk: "talk" } },
    t: (k) => k,
    bot: "Bot",
    transport: {
      talk: (_url, _body, { onEvent }) =>
        new Promise((_resolve, reject) => {
          onEvent({ event: "message", answer: "Part one", conversation_id: "c1", message_id: "m1" });
          fail = reject;
        }),
    },
    view: {
      appended() {},
      schedule() {},
      finished() {},
      renderAll() {},
      dropFrom() {},
      busy() {},
      answerText: () => "",
    },
    gate: { required: false, token: () => null },
    form: { invalid: () => false, values: () => ({}) },
    save: (c) => saved.push(structuredClone(c.messages)),
    store: { save() {} },
    emit() {},
    conv,
  });
  assert.equal(ctl.send("hello"), true);
  ctl.leave();
  fail(Object.assign(new Error("network error"), { code: "stream_broken" }));
  await new Promise((r) => setTimeout(r, 0));
  const last = saved.at(-1).at(-1);
  assert.equal(last.error, null);
  assert.equal(last.streaming, true);
  assert.equal(last.text, "Part one");
});
