import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { Semaphore, Lock } from "../../src/index.js";

test("a semaphore never lets more than its permits run at once", async () => {
  const semaphore = new Semaphore(5);
  let now = 0;
  let peak = 0;
  await Promise.all(Array.from({ length: 15 }, (_, i) => semaphore.run(async () => {
    now++;
    peak = Math.max(peak, now);
    await sleep(5 + (i % 3));
    now--;
  })));
  assert.equal(peak, 5);
  assert.equal(semaphore.maxRunning, 5);
  assert.equal(semaphore.running, 0);
});

test("waiters get permits in the order they asked", async () => {
  const semaphore = new Semaphore(1);
  const order: number[] = [];
  await Promise.all([0, 1, 2, 3].map((i) => semaphore.run(async () => { order.push(i); await sleep(1); })));
  assert.deepEqual(order, [0, 1, 2, 3]);
});

test("fifteen tasks under a semaphore of five start in three waves", async () => {
  const semaphore = new Semaphore(5);
  let finished = 0;
  const finishedAtStart: number[] = [];
  await Promise.all(Array.from({ length: 15 }, () => semaphore.run(async () => {
    finishedAtStart.push(finished);
    await sleep(10);
    finished++;
  })));
  // A task that starts after k tasks finished belongs to wave ceil(k / 5).
  const waves = finishedAtStart.map((k) => Math.ceil(k / 5));
  assert.deepEqual(waves, [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
});

test("a lock keeps a read-modify-write across an await from losing updates", async () => {
  let unsafeStock = 100;
  await Promise.all(Array.from({ length: 10 }, async () => {
    const read = unsafeStock;
    await sleep(1);
    unsafeStock = read - 1;
  }));
  const lock = new Lock();
  let safeStock = 100;
  await Promise.all(Array.from({ length: 10 }, () => lock.run(async () => {
    const read = safeStock;
    await sleep(1);
    safeStock = read - 1;
  })));
  assert.ok(unsafeStock > 90, `without the lock updates are lost (stock ${unsafeStock})`);
  assert.equal(safeStock, 90);
  assert.equal(lock.locked, false);
});

test("the permit is released when the task throws", async () => {
  const semaphore = new Semaphore(1);
  await assert.rejects(semaphore.run(() => { throw new Error("task failed"); }), /task failed/);
  assert.equal(semaphore.running, 0);
  assert.equal(await semaphore.run(() => "next"), "next");
});

test("aborting a wait rejects it and takes no permit", async () => {
  const semaphore = new Semaphore(1);
  await semaphore.acquire();
  const controller = new AbortController();
  const waiting = semaphore.acquire(controller.signal);
  assert.equal(semaphore.waiting, 1);
  controller.abort();
  await assert.rejects(waiting, { name: "AbortError" });
  assert.equal(semaphore.waiting, 0);
  semaphore.release();
  assert.equal(semaphore.running, 0);
});

test("bad permits and a release without an acquire are errors that say what was expected", () => {
  assert.throws(() => new Semaphore(0), /Expected permits to be a positive integer, got 0/);
  assert.throws(() => new Semaphore(2.5), /Expected permits to be a positive integer, got 2.5/);
  assert.throws(() => new Semaphore(1).release(), /Expected a held permit to release/);
});

test("waits that share one AbortSignal leave no listener on it once they get their permit", async () => {
  const { EventEmitter } = await import("node:events");
  const semaphore = new Semaphore(1);
  const controller = new AbortController();
  const warnings: Error[] = [];
  const onWarning = (w: Error): void => void warnings.push(w);
  process.on("warning", onWarning);
  try {
    // One permit, thirty runs: twenty-nine of them wait, each with the same signal.
    await Promise.all(Array.from({ length: 30 }, () => semaphore.run(() => sleep(1), controller.signal)));
    await sleep(10); // a MaxListenersExceededWarning is emitted on a later tick
    assert.equal(EventEmitter.getEventListeners(controller.signal, "abort").length, 0);
    assert.deepEqual(warnings.map((w) => w.name), []);
  } finally {
    process.off("warning", onWarning);
  }
});
