import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { timeIt, timeSync, formatDuration } from "../../src/index.js";

test("timeIt returns the value of a sync function", async () => {
  const { value, ms } = await timeIt(() => 6 * 7);
  assert.equal(value, 42);
  assert.ok(ms >= 0);
});

test("timeIt awaits an async function before stopping the clock", async () => {
  const { value, ms } = await timeIt(async () => {
    await sleep(30);
    return "done";
  });
  assert.equal(value, "done");
  // A lower bound only: timers never fire early by more than a millisecond.
  assert.ok(ms >= 25, `expected at least ~30 ms, got ${ms}`);
});

test("timeIt re-throws what the function throws", async () => {
  await assert.rejects(timeIt(() => { throw new RangeError("boom"); }), RangeError);
});

test("timeIt rejects a non-function with a TypeError that says what was expected", async () => {
  await assert.rejects(timeIt(42 as unknown as () => number), /Expected fn to be a function, got number 42/);
});

test("timeSync measures a busy loop as longer than an empty call", () => {
  const empty = timeSync(() => 0);
  const busy = timeSync(() => { let x = 0; for (let i = 0; i < 2_000_000; i++) x += i; return x; });
  assert.equal(busy.value, 1999999000000);
  assert.ok(busy.ms > empty.ms);
});

test("formatDuration picks a unit people read easily", () => {
  assert.equal(formatDuration(850), "850 ms");
  assert.equal(formatDuration(2012), "2.01 s");
  assert.equal(formatDuration(65_000), "1 min 05 s");
  assert.throws(() => formatDuration(-1), /Expected ms to be a finite number/);
});
