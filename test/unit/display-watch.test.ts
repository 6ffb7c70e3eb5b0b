import { test } from "node:test";
import assert from "node:assert/strict";
import { progressBar, watchDisplay } from "../../src/index.js";
import { createRecordingTarget } from "../../src/testing.js";

test("watchDisplay passes every output through to the wrapped target", () => {
  const recorder = createRecordingTarget();
  const watch = watchDisplay(recorder);
  watch.send("image/svg+xml", "<svg/>");
  watch.live().update("text/plain", "a");
  assert.deepEqual(recorder.outputs.map((o) => o.data), ["<svg/>", "a"]);
  assert.equal(watch.mode, "kernel");
});

test("watchDisplay keeps the final line a progress bar drew", () => {
  let t = 0;
  const watch = watchDisplay(createRecordingTarget());
  const bar = progressBar({ desc: "Diamonds", total: 4, target: watch, now: () => (t += 10) });
  for (let i = 0; i < 4; i++) bar.update();
  bar.close();
  assert.match(watch.last() ?? "", /^Diamonds: 100%\|██████████\| 4\/4 \[/);
});

test("watchDisplay keeps one latest text per live output, in opening order", () => {
  const watch = watchDisplay(createRecordingTarget());
  const first = watch.live();
  const second = watch.live();
  first.update("text/plain", "one");
  second.update("text/plain", "two");
  first.update("text/plain", "one, later");
  assert.deepEqual(watch.lastTexts, ["one, later", "two"]);
  assert.equal(watch.last(), "two");
});

test("watchDisplay rejects something that is not a display target", () => {
  assert.throws(() => watchDisplay({} as never), /Expected target to be a DisplayTarget/);
});
