import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { bench, benchSync, compare, describeSpeedup } from "../../src/index.js";
import { comparisonOf, fixedRow as row } from "../../src/testing.js";

test("bench runs the warm-up untimed and then the timed runs", async () => {
  let calls = 0;
  const r = await bench(() => ++calls, { runs: 4, warmup: 2 });
  assert.equal(calls, 6);
  assert.equal(r.samples.length, 4);
  assert.equal(r.value, 6);
});

test("bench orders min ≤ median ≤ max", async () => {
  let i = 0;
  const r = await bench(() => sleep([5, 1, 10][i++ % 3] ?? 1), { runs: 3, warmup: 0 });
  assert.ok(r.min <= r.median && r.median <= r.max);
});

test("bench rejects zero runs with a message that says what was expected", async () => {
  await assert.rejects(bench(() => 1, { runs: 0 }), /Expected runs to be a positive integer, got number 0/);
});

test("benchSync calls the function without awaiting and defaults to 1 warm-up and 5 runs", () => {
  let calls = 0;
  const r = benchSync(() => ++calls);
  assert.equal(calls, 6);
  assert.equal(r.samples.length, 5);
});

test("compare runs each variant once by default and names the fastest", async () => {
  const calls: string[] = [];
  const c = await compare({
    slow: async () => { calls.push("slow"); await sleep(40); },
    fast: async () => { calls.push("fast"); await sleep(5); },
  });
  assert.deepEqual(calls, ["slow", "fast"]);
  assert.equal(c.fastest, "fast");
  assert.equal(c.baseline, "slow");
  // A ratio with a loose bound, never an absolute time.
  assert.ok((c.rows[1]?.speedup ?? 0) > 2, `speed-up ${c.rows[1]?.speedup}`);
});

test("comparisonOf writes the two-variant sentence with times and the speed-up", () => {
  const c = comparisonOf([row("sequential", 10_000, 1), row("concurrent", 2_000, 5)], "sequential");
  assert.equal(c.summary, "sequential 10.0 s · concurrent 2.0 s · 5.0× faster");
  assert.equal(String(c), c.summary);
});

test("comparisonOf writes each variant's speed-up in brackets for three variants", () => {
  const c = comparisonOf([row("sequential", 10_000, 1), row("threads", 2_500, 4), row("pool", 20_000, 0.5)], "sequential");
  assert.equal(c.summary, "sequential 10.0 s · threads 2.5 s (4.0× faster) · pool 20.0 s (2.0× slower)");
});

test("describeSpeedup calls a ratio within 5% about as fast", () => {
  assert.equal(describeSpeedup(1.03), "about as fast");
  assert.equal(describeSpeedup(0.25), "4.0× slower");
});

test("compare rejects a baseline that is not a variant", async () => {
  await assert.rejects(compare({ a: () => 1 }, { baseline: "b" }), /Expected baseline to be one of "a", got "b"/);
});

test("compare rejects a variant that is not a function", async () => {
  await assert.rejects(compare({ a: 1 as unknown as () => unknown }), /Expected variant "a" to be a function, got number 1/);
});
