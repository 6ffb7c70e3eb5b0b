import { test } from "node:test";
import assert from "node:assert/strict";
import { Parallel, closePools, delayed, sleep, sqrt } from "../../src/parallel/index.js";
import { VerboseReporter, shortFormatTime, verbosityFilter } from "../../src/parallel/verbose.js";
import { AutoBatcher } from "../../src/parallel/batching.js";

test.after(() => closePools());

test("shortFormatTime pads seconds like joblib and switches to minutes above 60 s", () => {
  assert.equal(shortFormatTime(2.9), "   2.9s");
  assert.equal(shortFormatTime(10), "  10.0s");
  assert.equal(shortFormatTime(90), " 1.5min");
});

test("verbosityFilter shows every batch above verbose 10 and fewer as the index grows below", () => {
  assert.equal(verbosityFilter(7, 11), false);
  assert.equal(verbosityFilter(0, 5), false);
  const shown = Array.from({ length: 200 }, (_, i) => i).filter((i) => !verbosityFilter(i, 5));
  assert.deepEqual(shown.slice(0, 4), [0, 17, 71, 161]);
});

test("the sequential backend prints the chapter's ten lines for sleep(1) x 10 at verbose 10", () => {
  // The seed's joblib output, with a clock that advances exactly 1 s per task.
  let clock = 0;
  const lines: string[] = [];
  const reporter = new VerboseReporter("Parallel(n_jobs=1)", 10, (l) => lines.push(l), () => clock);
  reporter.usingBackend("SequentialBackend", 1);
  for (let i = 1; i <= 10; i++) {
    clock = i * 1000;
    reporter.progress({ completedTasks: i, dispatchedTasks: i, dispatchedBatches: i, stillDispatching: false, preDispatchAmount: 0 });
  }
  reporter.finished(10);
  assert.deepEqual(lines, [
    "[Parallel(n_jobs=1)]: Using backend SequentialBackend with 1 concurrent workers.",
    ...Array.from({ length: 9 }, (_, k) =>
      `[Parallel(n_jobs=1)]: Done ${String(k + 1).padStart(3)} out of ${String(k + 1).padStart(3)} | elapsed: ${shortFormatTime(k + 1)} remaining:    0.0s`),
    "[Parallel(n_jobs=1)]: Done  10 out of  10 | elapsed:   10.0s finished",
  ]);
});

test("a threaded run at verbose 10 prints the backend line, progress lines and the finished line in joblib's format", async () => {
  const lines: string[] = [];
  await Parallel({ nJobs: 2, verbose: 10, log: (l) => lines.push(l) })(Array.from({ length: 10 }, () => delayed(sleep)(0.02)));
  assert.equal(lines[0], "[Parallel(n_jobs=2)]: Using backend ThreadingBackend with 2 concurrent workers.");
  assert.match(lines.at(-1) as string, /^\[Parallel\(n_jobs=2\)\]: Done  10 out of  10 \| elapsed: +\d+\.\ds finished$/);
  const progress = lines.slice(1, -1).filter((l) => !l.includes("Batch computation"));
  assert.ok(progress.length > 0, "expected at least one progress line");
  for (const line of progress) {
    assert.match(line, /^\[Parallel\(n_jobs=2\)\]: Done +\d+ (tasks      \| elapsed: +\d+\.\ds|out of +\d+ \| elapsed: +\d+\.\ds remaining: +\d+\.\ds)$/);
  }
});

test("the processes backend names itself ProcessBackend", async () => {
  const lines: string[] = [];
  await Parallel({ nJobs: 2, prefer: "processes", verbose: 1, log: (l) => lines.push(l) })([delayed(sqrt)(4)]);
  assert.equal(lines[0], "[Parallel(n_jobs=2)]: Using backend ProcessBackend with 2 concurrent workers.");
});

test("verbose 0 prints nothing", async () => {
  const lines: string[] = [];
  await Parallel({ nJobs: 2, log: (l) => lines.push(l) })([delayed(sqrt)(4), delayed(sqrt)(9)]);
  assert.deepEqual(lines, []);
});

test("auto batching doubles the batch size while batches are fast", () => {
  const batcher = new AutoBatcher();
  const sizes: number[] = [];
  for (let round = 0; round < 5; round++) {
    const size = batcher.computeBatchSize();
    sizes.push(size);
    batcher.batchCompleted(size, 0.001);
  }
  assert.deepEqual(sizes, [1, 2, 4, 8, 16]);
});

test("auto batching shrinks a batch that takes longer than 2 s", () => {
  const batcher = new AutoBatcher();
  for (let round = 0; round < 4; round++) batcher.batchCompleted(batcher.computeBatchSize(), 0.001);
  const big = batcher.computeBatchSize();
  batcher.batchCompleted(big, 8);
  assert.ok(batcher.computeBatchSize() < big);
});

test("auto batching keeps the size when batches take between 0.2 and 2 s", () => {
  const batcher = new AutoBatcher();
  batcher.batchCompleted(batcher.computeBatchSize(), 1);
  assert.equal(batcher.computeBatchSize(), 1);
});
