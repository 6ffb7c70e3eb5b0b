// Pools give their workers back when idle, keep them while busy, and start again on demand.
// A short idle time for this file only (each test file runs in its own process).
process.env.CONCURRENCY_LAB_POOL_IDLE_MS = "400";

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { setTimeout as wait } from "node:timers/promises";
import { Parallel, closePools, delayed, listPools, sqrt } from "../../src/parallel/index.js";
import { DEFAULT_POOL_IDLE_MS, IdleReleasingPool, poolIdleMs } from "../../src/parallel/idle-pool.js";
import type { WorkerPool } from "../../src/parallel/pool.js";
import type { BatchOutcome, WireBatch } from "../../src/parallel/wire.js";

const linux = existsSync("/proc/self/task");
test.after(() => closePools());

function childPids(): number[] {
  const pids: number[] = [];
  for (const task of readdirSync(`/proc/${process.pid}/task`)) {
    const text = readFileSync(`/proc/${process.pid}/task/${task}/children`, "utf8").trim();
    if (text) pids.push(...text.split(/\s+/).map(Number));
  }
  return pids;
}

const threadCount = (): number => readdirSync("/proc/self/task").length;
const roots = () => Array.from({ length: 20 }, (_, i) => delayed(sqrt)(i * i));
const expected = Array.from({ length: 20 }, (_, i) => i);

async function waitUntil(condition: () => boolean, ms = 5000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await wait(50)) if (condition()) return true;
  return condition();
}

test("idle worker processes exit after the idle time, and the next call starts new ones", { skip: !linux }, async () => {
  assert.deepEqual(await Parallel({ nJobs: 2, prefer: "processes" })(roots()), expected);
  const first = listPools().find((p) => p.kind === "processes")?.workerIds ?? [];
  assert.equal(first.length, 2);
  assert.ok(first.every((pid) => childPids().includes(pid)), "workers are children while in use");
  assert.ok(await waitUntil(() => !first.some((pid) => childPids().includes(pid))), `workers ${first.join(", ")} still running after the idle time`);
  assert.equal(listPools().some((p) => p.kind === "processes"), false);

  assert.deepEqual(await Parallel({ nJobs: 2, prefer: "processes" })(roots()), expected);
  const second = listPools().find((p) => p.kind === "processes")?.workerIds ?? [];
  assert.equal(second.length, 2);
  assert.ok(second.every((pid) => !first.includes(pid)), "fresh processes after a release");
});

test("calls closer together than the idle time keep the same workers", { skip: !linux }, async () => {
  await Parallel({ nJobs: 2, prefer: "processes" })(roots());
  const pids = listPools().find((p) => p.kind === "processes")?.workerIds;
  for (let i = 0; i < 8; i++) {
    await wait(150);
    assert.deepEqual(await Parallel({ nJobs: 2, prefer: "processes" })(roots()), expected);
    assert.deepEqual(listPools().find((p) => p.kind === "processes")?.workerIds, pids, `call ${i + 1} after 150 ms`);
  }
});

test("idle worker threads stop: the thread count returns to where it was", { skip: !linux }, async () => {
  await waitUntil(() => listPools().length === 0);
  const before = threadCount();
  await Parallel({ nJobs: 3 })(roots());
  assert.ok(threadCount() >= before + 3, "three worker threads while in use");
  assert.ok(await waitUntil(() => threadCount() <= before), `threads ${threadCount()}, expected ≤ ${before} after the idle time`);
  assert.deepEqual(await Parallel({ nJobs: 3 })(roots()), expected);
});

test("a scope's runner works after its workers were released in a pause", { skip: !linux }, async () => {
  const results = await Parallel({ nJobs: 2, prefer: "processes" }).scope(async (parallel) => {
    const a = await parallel(roots());
    await wait(900);
    const b = await parallel(roots());
    return [a, b];
  });
  assert.deepEqual(results, [expected, expected]);
});

/** A fake pool whose batches last `ms`; counts starts and closes. */
function fakePools(ms: number) {
  const stats = { started: 0, closed: 0 };
  const start = (): WorkerPool => {
    stats.started++;
    return {
      kind: "threads", size: 1,
      run: async (_batch: WireBatch): Promise<BatchOutcome> => { await wait(ms); return { ok: true, values: [] } as unknown as BatchOutcome; },
      ready: async () => undefined,
      workerIds: () => [1],
      close: async () => { stats.closed++; },
      killNow: () => undefined,
    };
  };
  return { stats, start };
}

const batch = { fns: [], which: null, args: [], unary: true } as WireBatch;

test("a batch running longer than the idle time keeps its workers", async () => {
  const { stats, start } = fakePools(300);
  const pool = new IdleReleasingPool("threads", 1, 100, start);
  await pool.run(batch);
  assert.equal(stats.closed, 0, "not released while the batch ran");
  assert.equal(pool.live, true);
  await wait(200);
  assert.equal(stats.closed, 1, "released once idle");
  assert.equal(pool.live, false);
  await pool.run(batch);
  assert.equal(stats.started, 2, "started again on demand");
  await pool.close();
});

test("idle time 0 keeps the workers until close()", async () => {
  const { stats, start } = fakePools(1);
  const pool = new IdleReleasingPool("threads", 1, 0, start);
  await pool.run(batch);
  await wait(100);
  assert.equal(pool.live, true);
  await pool.close();
  assert.deepEqual(stats, { started: 1, closed: 1 });
});

test("CONCURRENCY_LAB_POOL_IDLE_MS: a number of ms, 0, or the default; anything else is refused", () => {
  assert.equal(poolIdleMs({}), DEFAULT_POOL_IDLE_MS);
  assert.equal(poolIdleMs({ CONCURRENCY_LAB_POOL_IDLE_MS: "0" }), 0);
  assert.equal(poolIdleMs({ CONCURRENCY_LAB_POOL_IDLE_MS: " 2500 " }), 2500);
  assert.throws(() => poolIdleMs({ CONCURRENCY_LAB_POOL_IDLE_MS: "soon" }), /Expected CONCURRENCY_LAB_POOL_IDLE_MS to be a number of milliseconds ≥ 0 \(0 keeps workers\), got "soon"/);
  assert.throws(() => poolIdleMs({ CONCURRENCY_LAB_POOL_IDLE_MS: "-1" }), /got "-1"/);
});
