import { test } from "node:test";
import assert from "node:assert/strict";
import { formatClock, micErrorKey, reachedLimit, recordingType } from "../../static/js/voice/recorder.js";
import { splitText } from "../../static/js/voice/speaker.js";

test("the recording type is the first the browser supports, none when it supports none", () => {
  assert.equal(
    recordingType(() => true),
    "audio/webm;codecs=opus",
  );
  assert.equal(
    recordingType((t) => t.startsWith("audio/ogg")),
    "audio/ogg;codecs=opus",
  );
  assert.equal(
    recordingType((t) => t === "audio/mp4"),
    "audio/mp4",
  );
  assert.equal(
    recordingType(() => false),
    "",
  );
});

test("a refused microphone is 'blocked', every other failure 'no microphone'", () => {
  assert.equal(micErrorKey({ name: "NotAllowedError" }), "voice.denied");
  assert.equal(micErrorKey({ name: "SecurityError" }), "voice.denied");
  assert.equal(micErrorKey({ name: "NotFoundError" }), "voice.noMic");
  assert.equal(micErrorKey({ name: "NotReadableError" }), "voice.noMic");
  assert.equal(micErrorKey(undefined), "voice.noMic");
});

test("the timer shows minutes and seconds", () => {
  assert.equal(formatClock(0), "0:00");
  assert.equal(formatClock(9_999), "0:09");
  assert.equal(formatClock(61_000), "1:01");
  assert.equal(formatClock(-5), "0:00");
});

test("long answers are cut at paragraphs, then sentences, then words, within the limit", () => {
  assert.deepEqual(splitText("One.\n\nTwo.", 4000), ["One.\n\nTwo."]);
  assert.deepEqual(splitText("aaaa\n\nbbbb\n\ncccc", 10), ["aaaa\n\nbbbb", "cccc"]);
  const sentences = "First sentence here. Second one follows! Third?";
  assert.deepEqual(splitText(sentences, 25), ["First sentence here.", "Second one follows!", "Third?"]);
  const words = Array.from({ length: 50 }, (_, i) => `word${i}`).join(" ");
  const parts = splitText(words, 40);
  assert.ok(parts.every((p) => p.length <= 40));
  assert.equal(parts.join(" "), words);
  const unbroken = "x".repeat(95);
  assert.deepEqual(
    splitText(unbroken, 40).map((p) => p.length),
    [40, 40, 15],
  );
  assert.deepEqual(splitText("", 40), []);
});

test("a recording stops with room to spare below the endpoint's 2 MiB", () => {
  const max = 2 * 1024 * 1024;
  assert.equal(reachedLimit(100_000, max), false);
  assert.equal(reachedLimit(max - 64 * 1024, max), false);
  assert.equal(reachedLimit(max - 64 * 1024 + 1, max), true);
  assert.equal(reachedLimit(max, max), true);
});
