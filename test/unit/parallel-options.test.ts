import { test } from "node:test";
import assert from "node:assert/strict";
import { Parallel, delayed, sqrt } from "../../src/parallel/index.js";

test("nJobs 0 is a TypeError that says what was expected", () => {
  assert.throws(() => Parallel({ nJobs: 0 }), { name: "TypeError", message: "Expected nJobs to be a positive integer or -1, got 0" });
});

test("a negative nJobs other than -1 is a TypeError", () => {
  assert.throws(() => Parallel({ nJobs: -2 }), { name: "TypeError", message: "Expected nJobs to be a positive integer or -1, got -2" });
});

test("a fractional nJobs is a TypeError", () => {
  assert.throws(() => Parallel({ nJobs: 1.5 }), { name: "TypeError", message: "Expected nJobs to be a positive integer or -1, got 1.5" });
});

test("nJobs given as a string is a TypeError", () => {
  assert.throws(() => Parallel({ nJobs: "2" as unknown as number }), /Expected nJobs to be a positive integer or -1, got "2"/);
});

test("nJobs -1 means one worker per core", () => {
  assert.ok(Parallel({ nJobs: -1 }).nJobs >= 1);
  assert.equal(String(Parallel({ nJobs: -1 })), "Parallel(n_jobs=-1)");
});

test("nJobs 1 picks the sequential backend whatever prefer says", () => {
  assert.equal(Parallel({ nJobs: 1, prefer: "processes" }).backend, "SequentialBackend");
  assert.equal(Parallel({ nJobs: 2, prefer: "processes" }).backend, "ProcessBackend");
  assert.equal(Parallel({ nJobs: 2 }).backend, "ThreadingBackend");
});

test("an unknown prefer is a TypeError", () => {
  assert.throws(() => Parallel({ prefer: "gpu" as "threads" }), /Expected prefer to be "threads" or "processes", got "gpu"/);
});

test("batchSize 0 is a TypeError", () => {
  assert.throws(() => Parallel({ batchSize: 0 }), /Expected batchSize to be "auto" or a positive integer, got 0/);
});

test("a negative verbose is a TypeError", () => {
  assert.throws(() => Parallel({ verbose: -1 }), /Expected verbose to be an integer ≥ 0 or a boolean, got -1/);
});

test("a Python-style option name is rejected with the right name", () => {
  assert.throws(() => Parallel({ n_jobs: 2 } as never), /Unknown option "n_jobs".*did you mean nJobs\?/);
});

test("a signal that is not an AbortSignal is a TypeError", () => {
  assert.throws(() => Parallel({ signal: {} as AbortSignal }), /Expected signal to be an AbortSignal, got object/);
});

test("delayed of something that is not a function is a TypeError", () => {
  assert.throws(() => delayed(42 as unknown as () => void), { name: "TypeError", message: "Expected fn to be a function, got number 42" });
});

test("an item that is not a delayed call rejects with its position", async () => {
  const items = [delayed(sqrt)(4), 9 as never];
  await assert.rejects(Parallel({ nJobs: 1 })(items), { name: "TypeError", message: "Expected item 1 to be a delayed call such as delayed(fn)(x), got number 9" });
});

test("items that are not iterable reject with a TypeError", async () => {
  await assert.rejects(Parallel({ nJobs: 1 })(5 as never), /Expected items to be an array or iterable of delayed\(fn\)\(...args\) calls, got number 5/);
});

test("an empty list of items resolves to an empty list", async () => {
  assert.deepEqual(await Parallel({ nJobs: 2 })([]), []);
});
