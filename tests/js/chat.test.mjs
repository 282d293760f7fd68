// The chat page's conversation and controller modules, without a browser: a fake transport plays /talk.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createController } from "../../static/js/chat/controller.js";
import {
  createSaver,
  cutAnswer,
  freshConversation,
  loadConversation,
  rememberCurrent,
} from "../../static/js/chat/conversation.js";
import { conversationMarkdown, exportName } from "../../static/js/chat/export.js";
import { createStore, memoryBackend } from "../../static/js/store.js";

const t = (key, vars) => (vars ? `${key}:${JSON.stringify(vars)}` : key);

function fakeView() {
  const calls = [];
  const record =
    (name) =>
    (...args) =>
      calls.push([name, ...args]);
  return {
    calls,
    appended: record("appended"),
    schedule: record("schedule"),
    finished: record("finished"),
    renderAll: record("renderAll"),
    dropFrom: record("dropFrom"),
    busy: record("busy"),
    announce: record("announce"),
    answerText: () => "",
  };
}

// A transport that answers each request with the given events, or throws the given error.
function fakeTransport(script) {
  const requests = [];
  return {
    requests,
    async talk(url, body, { token, signal, onEvent }) {
      requests.push({ url, body, token });
      const step = script.shift();
      if (step instanceof Error) throw step;
      for (const ev of step || []) {
        if (signal.aborted) throw Object.assign(new Error("aborted"), { name: "AbortError" });
        onEvent(ev);
        await null;
      }
    },
  };
}

function setup({ script = [], cfg = {}, gate = {}, form = {}, extra = {} } = {}) {
  const store = createStore("hooktest", memoryBackend());
  const transport = fakeTransport(script);
  const view = fakeView();
  const events = [];
  const asked = [];
  const ctl = createController({
    cfg: { urls: { talk: "talk", unlock: "unlock" }, ...cfg },
    t,
    bot: "Ana",
    transport,
    view,
    gate: {
      required: false,
      token: () => null,
      ask: (next) => asked.push(next),
      expired: (next) => asked.push(next),
      ...gate,
    },
    form: { invalid: () => false, values: () => ({}), ...form },
    save: createSaver(store),
    store,
    emit: (name, detail) => events.push([name, detail]),
    conv: freshConversation(),
    ...extra,
  });
  return { ctl, store, transport, view, events, asked };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const answer = (text, id = "c1") => [
  { event: "message", answer: text, conversation_id: id, message_id: "m1" },
  { event: "message_end", conversation_id: id, message_id: "m1", metadata: {} },
];

test("send streams the answer, keeps the conversation id, saves and tells the page", async () => {
  const { ctl, store, transport, view, events } = setup({ script: [answer("Hello")] });
  assert.equal(ctl.send("  hi  "), true);
  await settle();
  assert.equal(transport.requests[0].body.query, "hi");
  assert.equal(transport.requests[0].body.conversation_id, null);
  const [q, a] = ctl.conv.messages;
  assert.deepEqual([q.role, q.text], ["user", "hi"]);
  assert.equal(a.text, "Hello");
  assert.equal(a.streaming, false);
  assert.equal(ctl.conv.conversationId, "c1");
  assert.equal(ctl.running, false);
  assert.deepEqual(
    events.map((e) => e[0]),
    ["message", "answer"],
  );
  assert.equal(store.load(ctl.conv.id).messages[1].text, "Hello");
  assert.deepEqual(
    view.calls.filter((c) => c[0] === "busy").map((c) => c[1]),
    [true, false],
  );
});

test("nothing is sent while an answer streams, when empty, or when the app is not configured", async () => {
  const { ctl } = setup({ script: [answer("x")] });
  assert.equal(ctl.send("   "), false);
  assert.equal(ctl.send("one"), true);
  assert.equal(ctl.send("two"), false);
  await settle();
  assert.equal(setup({ cfg: { appConfigured: false } }).ctl.send("hi"), false);
  assert.equal(setup({ form: { invalid: () => true } }).ctl.send("hi"), false);
});

test("a failed request becomes an error on the answer, and the error event carries its message key", async () => {
  const failure = Object.assign(new Error("busy"), { code: "rate_limited", status: 429 });
  const { ctl, events } = setup({ script: [failure] });
  ctl.send("hi");
  await settle();
  assert.deepEqual(ctl.conv.messages[1].error, { code: "rate_limited", message: "busy", status: 429 });
  assert.deepEqual(events.at(-1), ["error", { code: "rate_limited", message: "err.busy" }]);
});

test("stop aborts the stream and marks the answer stopped", async () => {
  const { ctl, events } = setup({ script: [[...answer("a"), ...answer("b")]] });
  ctl.send("hi");
  ctl.stop();
  await settle();
  assert.equal(ctl.conv.messages[1].stopped, true);
  assert.equal(ctl.running, false);
  assert.ok(!events.some((e) => e[0] === "answer"));
});

test("retry drops the answer and asks the same question again, in the same conversation", async () => {
  const { ctl, transport, view } = setup({ script: [new Error("boom"), answer("second")] });
  ctl.send("hi");
  await settle();
  assert.equal(ctl.conv.messages[1].error.code, "network_error");
  ctl.retry(1);
  await settle();
  assert.equal(transport.requests.length, 2);
  assert.equal(transport.requests[1].body.query, "hi");
  assert.deepEqual(
    ctl.conv.messages.map((m) => m.text),
    ["hi", "second"],
  );
  assert.ok(view.calls.some((c) => c[0] === "dropFrom" && c[1] === 1));
});

test("a locked page asks for the code first, and a refused token asks again then retries", async () => {
  const refused = Object.assign(new Error("no"), { code: "invalid_token", status: 401 });
  const { ctl, asked, transport } = setup({ script: [refused], gate: { required: true, token: () => null } });
  ctl.send("hi");
  assert.equal(transport.requests.length, 0);
  assert.equal(asked.length, 1);
  asked[0]();
  await settle();
  assert.equal(transport.requests.length, 1);
  assert.equal(asked.length, 2, "the refused token asks for the code again");
});

test("a conversation switched away from mid-answer gets its answer stored where it belongs", async () => {
  const { ctl, store } = setup({ script: [answer("late", "c9")] });
  ctl.send("hi");
  const first = ctl.conv;
  ctl.switchTo(freshConversation());
  await settle();
  assert.notEqual(ctl.conv, first);
  assert.equal(ctl.conv.messages.length, 0);
  assert.ok(store.load(first.id), "the first conversation is stored");
});

test("a stale conversation restarts: the answer follows the new id and remembers the restart", async () => {
  const script = [[{ event: "conversation_restarted", conversation_id: "new" }, ...answer("ok", "new")]];
  const { ctl } = setup({ script });
  ctl.conv.conversationId = "old";
  ctl.send("hi");
  await settle();
  assert.equal(ctl.conv.conversationId, "new");
  assert.equal(ctl.conv.messages[1].restarted, true);
});

test("loading: the current conversation comes back, a streaming answer is marked interrupted", () => {
  const store = createStore("hookload", memoryBackend());
  const c = freshConversation();
  c.messages.push({ role: "user", text: "q" }, { role: "bot", text: "half", streaming: true });
  createSaver(store)(c);
  const loaded = loadConversation(store);
  assert.equal(loaded.id, c.id);
  assert.equal(loaded.messages[1].interrupted, true);
  assert.equal(loaded.messages[1].streaming, false);
  rememberCurrent(store, freshConversation());
  assert.equal(loadConversation(store).messages.length, 0);
});

test("loading never throws on broken storage", () => {
  const broken = {
    get: () => "x",
    load: () => {
      throw new Error("bad");
    },
  };
  assert.equal(loadConversation(broken).messages.length, 0);
});

test("the saver throttles unforced saves and ignores empty conversations", () => {
  let now = 1000;
  const saved = [];
  const store = { save: (c) => saved.push(c.id), set() {} };
  const save = createSaver(store, { now: () => now, every: 700 });
  assert.equal(save(freshConversation()), false);
  const c = freshConversation();
  c.messages.push({ role: "user", text: "q" });
  assert.equal(save(c, false), true);
  now += 100;
  assert.equal(save(c, false), false);
  assert.equal(save(c), true);
});

test("cutAnswer returns the question and drops everything from the answer on", () => {
  const c = freshConversation();
  c.messages.push({ role: "user", text: "q" }, { role: "bot", text: "a" });
  assert.equal(cutAnswer(c, 0), null);
  assert.equal(cutAnswer(c, 1), "q");
  assert.equal(c.messages.length, 1);
});

test("export: an empty conversation gives no text; names are safe", () => {
  assert.equal(conversationMarkdown(freshConversation(), { bot: "Ana", t }), "");
  const c = freshConversation();
  c.title = "Où est / mon colis?";
  c.messages.push({ role: "user", text: "q" }, { role: "bot", text: "a", citations: [{ document: "Doc" }] });
  const md = conversationMarkdown(c, { bot: "Ana", t });
  assert.match(md, /^# Où est \/ mon colis\?/);
  assert.match(md, /- Doc/);
  assert.equal(exportName(c.title), "Où-est-mon-colis");
  assert.equal(exportName(""), "conversation");
});

test("the daily limit gives the question back: no question or error is left in the conversation", async () => {
  const full = Object.assign(new Error("limit"), { code: "limit_reached", status: 429, retryAfter: 3600 });
  const given = [];
  const { ctl, store, view, events } = setup({
    script: [answer("first"), full],
    extra: { onLimit: (text) => given.push(text) },
  });
  ctl.send("one");
  await settle();
  ctl.send("two");
  await settle();
  assert.deepEqual(given, ["two"]);
  assert.deepEqual(
    ctl.conv.messages.map((m) => m.text),
    ["one", "first"],
  );
  assert.equal(ctl.running, false);
  assert.deepEqual(
    store.load(ctl.conv.id).messages.map((m) => m.text),
    ["one", "first"],
  );
  assert.deepEqual(events.at(-1), ["error", { code: "limit_reached", message: "err.limit_reached" }]);
  assert.ok(view.calls.some((c) => c[0] === "renderAll"));
  assert.deepEqual(view.calls.filter((c) => c[0] === "busy").at(-1), ["busy", false]);
});

test("the daily limit on a first message leaves no conversation behind", async () => {
  const full = Object.assign(new Error("limit"), { code: "limit_reached", status: 429 });
  const given = [];
  const { ctl, store } = setup({ script: [full], extra: { onLimit: (text) => given.push(text) } });
  ctl.send("hello");
  await settle();
  assert.deepEqual(given, ["hello"]);
  assert.equal(ctl.conv.messages.length, 0);
  assert.deepEqual(store.list(), []);
  assert.equal(store.get("current"), null);
});

test("a vote is kept on the stored answer; anything else in its place is dropped", () => {
  const store = createStore("hookvote", memoryBackend());
  const conv = {
    ...freshConversation(),
    messages: [
      { role: "user", text: "q" },
      { role: "bot", text: "a", messageId: "m1", done: true, feedback: "down" },
      { role: "user", text: "q2" },
      { role: "bot", text: "b", messageId: "m2", done: true, feedback: "<img>" },
    ],
  };
  store.save(conv);
  const back = store.load(conv.id).messages;
  assert.equal(back[1].feedback, "down");
  assert.equal("feedback" in back[3], false);
});
