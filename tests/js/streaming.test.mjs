// Streaming a long answer without redoing it all per delta: the incremental split and count of its
// parts (answer/parts.js), the search for reasoning tags where the text grew (answer/think.js), and
// the time slices that spread typesetting, highlighting and diagrams (rich/slices.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { answerParts } from "../../static/js/answer/parts.js";
import { opensNoThink, splitThink } from "../../static/js/answer/think.js";
import { splitBlocks } from "../../static/js/blocks.js";
import { createSlicer } from "../../static/js/rich/slices.js";
import { ELEMENT_BUDGET, overBudget } from "../../static/js/tame.js";

// Like the demo bot's /rich answer: prose, maths, fences of several kinds, a list, a table.
function richText(sections) {
  let text = "# Rich log\n";
  for (let s = 1; s <= sections; s++) {
    const prose = `Keeper ${s} trims the wick `.repeat(25);
    text +=
      `\n## Watch ${s}\n\n${prose}where $E = mc^${s}$ and \\(x\\,dx\\).\n\n$$\\int_0^{${s}} x^2\\,dx$$\n\n` +
      "```python\ndef watch(hour):\n\n    return hour  # blank line above stays in the fence\n```\n\n" +
      `- item ${s}\n  continued\n\n- next\n\n| a | b |\n|---|---|\n| ${s} | 2 |\n\n` +
      "~~~mermaid\ngraph LR\n  A --> B\n~~~\n";
  }
  return text;
}

function grow(text, step, each) {
  let prev = null;
  for (let n = 0; n <= text.length; n += step) prev = each(text.slice(0, n), prev);
  return each(text, prev);
}

test("answerParts grown delta by delta equals a fresh split and budget check at every length", () => {
  const text = richText(12);
  let reused = 0;
  grow(text, 97, (now, prev) => {
    const got = answerParts(now, prev);
    assert.deepEqual(got.parts, splitBlocks(now), `parts differ at ${now.length}`);
    assert.equal(got.over, overBudget(now), `budget differs at ${now.length}`);
    if (prev && got.parts.length > 1 && got.parts[0] === prev.parts[0]) reused++;
    return got;
  });
  assert.ok(reused > 50, `closed parts were split again (${reused} reuses)`);
});

test("answerParts crosses the element budget exactly where overBudget does", () => {
  // Many short lines: the count passes ELEMENT_BUDGET part way through the growth.
  const text = "a *b* c\n".repeat(ELEMENT_BUDGET / 2);
  let crossed = false;
  grow(text, 41, (now, prev) => {
    const got = answerParts(now, prev);
    assert.equal(got.over, overBudget(now), `budget differs at ${now.length}`);
    crossed ||= got.over;
    return got;
  });
  assert.ok(crossed, "the text never went over the budget");
});

test("answerParts keeps only what the new text still holds (edits, cuts, a cut moving)", () => {
  const text = richText(6);
  const prev = answerParts(text);
  assert.ok(prev.parts.length > 3);
  const edits = [
    text.slice(0, 10) + "X" + text.slice(11), // an edit in the first part
    text.slice(0, prev.parts[0].length + prev.parts[1].length - 1), // ends inside a cut
    prev.parts[0] + "   indented now continues the block\n" + text.slice(prev.parts[0].length),
    "",
    "short",
  ];
  for (const now of edits) {
    const got = answerParts(now, prev);
    assert.deepEqual(got.parts, splitBlocks(now));
    assert.equal(got.over, overBudget(now));
  }
});

test("opensNoThink finds a reasoning tag however the deltas cut it, searching only where the text grew", () => {
  const texts = [
    "Intro with a <b>tag</b> and x > 1. <think>reasoning</think> answer",
    'Before <details style="x" data-think="1" open>reasoning</details> after',
    "a > b <details\nclass=x data-think>r</details>",
    "no reasoning at all, only <br> and <kbd>Ctrl</kbd> > and <",
    "<THINK >upper case</THINK>",
  ];
  for (const text of texts) {
    for (const step of [1, 2, 3, 7]) {
      let known = null;
      for (let n = 0; n <= text.length; n += step) {
        const now = text.slice(0, n);
        const none = opensNoThink(now, known);
        assert.equal(none, !splitThink(now).some((s) => s.think), `${JSON.stringify(now)} (step ${step})`);
        known = none ? now : null;
      }
    }
  }
  // A known text that the new one does not extend is not trusted.
  assert.equal(opensNoThink("<think>x", "<b>"), false);
});

// A slicer on a clock the test moves: each job "takes" the time it says.
function fakeSlicer(budget = 8) {
  let clock = 0;
  const waits = [];
  const slicer = createSlicer({
    budget,
    now: () => clock,
    wait: () => new Promise((go) => waits.push(go)),
  });
  const job = (log, name, ms) => () => {
    log.push(name);
    clock += ms;
  };
  return { slicer, job, waits };
}

test("the slicer runs nothing in the task that adds, then as many jobs per slice as fit the budget", async () => {
  const { slicer, job, waits } = fakeSlicer(8);
  const log = [];
  for (const [name, ms] of [
    ["a", 3],
    ["b", 3],
    ["c", 3],
    ["d", 20],
    ["e", 1],
  ])
    slicer.add(job(log, name, ms));
  assert.deepEqual(log, [], "a job ran in the adding task");
  assert.equal(slicer.size, 5);
  const slices = [];
  while (slicer.size) {
    await new Promise((go) => setImmediate(go));
    assert.equal(waits.length, 1, "a slice began without yielding first");
    const before = log.length;
    waits.shift()();
    await new Promise((go) => setImmediate(go));
    slices.push(log.slice(before));
  }
  // a+b+c pass the 8 ms budget after c; a long job runs alone; at least one job per slice.
  assert.deepEqual(slices, [["a", "b", "c"], ["d"], ["e"]]);
});

test("a job that throws is skipped, the others run, and idle() resolves when the queue is dry", async () => {
  const slicer = createSlicer({ budget: 8 });
  const log = [];
  slicer.add(() => log.push(1));
  slicer.add(() => {
    throw new Error("broken block");
  });
  slicer.add(() => log.push(3));
  await slicer.idle();
  assert.deepEqual(log, [1, 3]);
  assert.equal(slicer.size, 0);
  // Work added after the queue ran dry starts a new run.
  slicer.add(() => log.push(4));
  await slicer.idle();
  assert.deepEqual(log, [1, 3, 4]);
});
