import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as wait } from "node:timers/promises";
import {
  Parallel, ParallelTaskError, closePools, delayed, fib, listPools, loadUrl, lower, nlargest, sleep, sqrt, withParallel,
} from "../../src/parallel/index.js";
import { createRecordingTarget } from "../../src/show/display.js";

test.after(() => closePools());

const BACKENDS = [{ nJobs: 2, prefer: "threads" }, { nJobs: 2, prefer: "processes" }, { nJobs: 1 }] as const;

for (const options of BACKENDS) {
  const name = options.nJobs === 1 ? "the sequential backend" : options.prefer;
  test(`sqrt of i² over ten items gives 0 to 9 in input order with ${name}`, async () => {
    const out = await Parallel(options)(Array.from({ length: 10 }, (_, i) => delayed(sqrt)(i ** 2)));
    assert.deepEqual(out, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test(`results keep input order when earlier tasks take longer with ${name}`, async () => {
    // Durations fall along the input, so later tasks finish first.
    const durations = [0.08, 0.06, 0.04, 0.02, 0, 0.05, 0.01, 0.03];
    function slowEcho(i: number, seconds: number): number {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
      return i;
    }
    const out = await Parallel({ ...options, batchSize: 1 })(durations.map((s, i) => delayed(slowEcho)(i, s)));
    assert.deepEqual(out, [0, 1, 2, 3, 4, 5, 6, 7]);
  });

  test(`the first failing task is reported with its index, input and cause with ${name}`, async () => {
    function checkedSqrt(x: number): number {
      if (x < 0) throw new RangeError(`negative input ${x}`);
      return Math.sqrt(x);
    }
    const items = [4, 9, -1, 16].map((x) => delayed(checkedSqrt)(x));
    await assert.rejects(Parallel(options)(items), (error: unknown) => {
      assert.ok(error instanceof ParallelTaskError);
      assert.equal(error.index, 2);
      assert.deepEqual(error.input, [-1]);
      assert.ok(error.cause instanceof RangeError);
      assert.equal(error.cause.message, "negative input -1");
      assert.match(error.message, /^Task 2 of 4, checkedSqrt\(-1\), failed: RangeError: negative input -1$/);
      return true;
    });
  });

  test(`nlargest reproduces the chapter's example with ${name}`, async () => {
    const items = [[102, 134, 567], [1102, 1134, 1567]].flatMap((q) => [1, 2].map((n) => delayed(nlargest)(n, q)));
    assert.deepEqual(await Parallel(options)(items), [[567], [567, 134], [1567], [1567, 1134]]);
  });

  test(`the progress bar counts every task and ends at 100% with ${name}`, async () => {
    const target = createRecordingTarget("text");
    const words = Array.from({ length: 5000 }, (_, i) => (i % 2 ? "Ideal" : "Premium"));
    const out = await Parallel({ ...options, progress: { desc: "Diamonds", target, minIntervalMs: 0 } })(words.map((w) => delayed(lower)(w)));
    assert.equal(out[4999], "ideal");
    const last = target.outputs.at(-1)?.data ?? "";
    assert.match(last, /^Diamonds: 100%\|██████████\| 5000\/5000 \[/);
  });

  test(`an async task is awaited in the worker with ${name}`, async () => {
    const server = await startServer();
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/get`;
      assert.deepEqual(await Parallel(options)(Array.from({ length: 4 }, () => delayed(loadUrl)(url))), [200, 200, 200, 200]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
}

function startServer(): Promise<Server> {
  const server = createServer((_req, res) => res.end("ok"));
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

test("a batch of mixed functions and argument counts runs each call with its own function", async () => {
  const items = [delayed(sqrt)(16), delayed(Math.max)(1, 7, 3), delayed(lower)("ABC"), delayed(fib)(10)];
  assert.deepEqual(await Parallel({ nJobs: 2, batchSize: 4 })(items), [4, 7, "abc", 55]);
});

test("a TypeError thrown in a worker arrives as a TypeError", async () => {
  await assert.rejects(Parallel({ nJobs: 2 })([delayed(sqrt)("nine" as never)]), (error: unknown) => {
    assert.ok(error instanceof ParallelTaskError);
    assert.ok(error.cause instanceof TypeError);
    assert.match(error.cause.message, /Expected x to be a number, got "nine"/);
    return true;
  });
});

test("an argument that cannot be copied to a worker is reported as that task's error", async () => {
  const items = [delayed(nlargest)(1, [1]), delayed(nlargest)(1, [() => 1] as never)];
  await assert.rejects(Parallel({ nJobs: 2, batchSize: 2 })(items), (error: unknown) => {
    assert.ok(error instanceof ParallelTaskError);
    assert.equal(error.index, 1);
    assert.match(error.message, /cannot be copied to a worker/);
    return true;
  });
});

// Shared memory counts, across the worker threads, how many tasks started (slot 0) and ended (slot 1).
function countedSleep(counter: Int32Array, seconds: number, fail: boolean): number {
  Atomics.add(counter, 0, 1);
  if (fail) throw new Error("task failed on purpose");
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
  return Atomics.add(counter, 1, 1);
}

test("after the first error the tasks not yet started never run", async () => {
  const counter = new Int32Array(new SharedArrayBuffer(8));
  const nJobs = 2;
  const items = Array.from({ length: 60 }, (_, i) => delayed(countedSleep)(counter, 0.02, i === 0));
  await assert.rejects(Parallel({ nJobs, batchSize: 1 })(items), /task failed on purpose/);
  await wait(300); // fifteen task lengths: time enough for any task already handed out to start
  // Only batches handed out before the error came back may still run: joblib's pre-dispatch of
  // 2 × nJobs one-task batches, plus at most one refill per worker that finished a task before the
  // error was seen. None of the others may ever start.
  const started = Atomics.load(counter, 0);
  assert.ok(started <= 3 * nJobs, `${started} of 60 tasks started, though the first one failed at once`);
  await wait(300);
  assert.equal(Atomics.load(counter, 0), started, "tasks kept starting long after the error");
});

test("aborting the signal rejects with an AbortError and drops the tasks not yet started", async () => {
  const counter = new Int32Array(new SharedArrayBuffer(8));
  const controller = new AbortController();
  const items = Array.from({ length: 60 }, () => delayed(countedSleep)(counter, 0.02, false));
  const run = Parallel({ nJobs: 2, batchSize: 1, signal: controller.signal })(items);
  setTimeout(() => controller.abort(), 60);
  await assert.rejects(run, { name: "AbortError" });
  await wait(200);
  assert.ok(Atomics.load(counter, 0) < 30, `expected the run to stop early, but ${Atomics.load(counter, 0)} of 60 tasks ran`);
});

test("an already aborted signal rejects before anything runs", async () => {
  const counter = new Int32Array(new SharedArrayBuffer(8));
  await assert.rejects(Parallel({ nJobs: 2, signal: AbortSignal.abort() })([delayed(countedSleep)(counter, 0, false)]), { name: "AbortError" });
  await wait(50);
  assert.equal(Atomics.load(counter, 0), 0);
});

test("aborting stops the sequential backend between tasks", async () => {
  const controller = new AbortController();
  let ran = 0;
  const items = Array.from({ length: 100 }, () => delayed(() => { ran++; sleep(0.01); })());
  setTimeout(() => controller.abort(), 50);
  await assert.rejects(Parallel({ nJobs: 1, signal: controller.signal })(items), { name: "AbortError" });
  assert.ok(ran < 100, `expected fewer than 100 tasks, ${ran} ran`);
});

test("withParallel runs several calls on one pool and its runner ends with the scope", async () => {
  let inner: ((items: never[]) => Promise<unknown>) | undefined;
  const [roots, doubled] = await withParallel({ nJobs: 2 }, async (parallel) => {
    inner = parallel;
    const a = await parallel([9, 16, 25].map((x) => delayed(sqrt)(x)));
    const b = await parallel(a.map((x) => delayed((v: number) => v * 2)(x)));
    return [a, b];
  });
  assert.deepEqual(roots, [3, 4, 5]);
  assert.deepEqual(doubled, [6, 8, 10]);
  await assert.rejects((inner as (items: never[]) => Promise<unknown>)([]), /belongs to a scope that has ended/);
});

test("a fixed batch size of 3 still returns every result in order", async () => {
  const out = await Parallel({ nJobs: 2, prefer: "processes", batchSize: 3 })(Array.from({ length: 20 }, (_, i) => delayed(sqrt)(i * i)));
  assert.deepEqual(out, Array.from({ length: 20 }, (_, i) => i));
});

test("100,000 tiny tasks come back complete and in order", async () => {
  const out = await Parallel({ nJobs: 2 })(Array.from({ length: 100_000 }, (_, i) => delayed(sqrt)(i * i)));
  assert.equal(out.length, 100_000);
  assert.ok(out.every((v, i) => v === i));
});

test("loadUrl given a ca still trusts the public root certificates", async () => {
  const { rootCertificates } = await import("node:tls");
  const { sharedAgentTrust } = await import("../../src/http/shared-agents.js");
  const ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  const trust = sharedAgentTrust(ca) ?? [];
  assert.ok(trust.includes(ca), "the given ca must be trusted");
  const missing = rootCertificates.filter((root) => !trust.includes(root)).length;
  assert.equal(missing, 0, `${missing} of ${rootCertificates.length} public roots are no longer trusted`);
});

test("closePools also closes the connections loadUrl keeps open in this thread", async () => {
  const server = await startServer();
  const open = new Set<import("node:net").Socket>();
  server.on("connection", (socket) => {
    open.add(socket);
    socket.on("close", () => open.delete(socket));
  });
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    assert.equal(await loadUrl(url), 200);
    assert.equal(open.size, 1, "loadUrl keeps its connection for the next load");
    await closePools();
    for (let i = 0; i < 50 && open.size > 0; i++) await wait(10);
    assert.equal(open.size, 0, "a connection of loadUrl is still open after closePools()");
  } finally {
    for (const socket of open) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

// An error whose name is a symbol cannot be copied back to the parent as it is.
function throwOddError(): never {
  const error = new Error("odd error on purpose");
  Object.defineProperty(error, "name", { value: Symbol("odd") });
  throw error;
}

test("a child process survives a task error that cannot be copied back, and reports it", async () => {
  const run = Parallel({ nJobs: 2, prefer: "processes", batchSize: 1 });
  await run([delayed(sqrt)(4), delayed(sqrt)(9)]); // the pool is up
  const before = listPools().find((p) => p.kind === "processes")?.workerIds ?? [];
  const error = await run([delayed(throwOddError)()]).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof ParallelTaskError, `expected a ParallelTaskError, got ${String(error)}`);
  assert.match(String((error as ParallelTaskError).cause), /odd error on purpose/);
  const after = listPools().find((p) => p.kind === "processes")?.workerIds ?? [];
  assert.deepEqual([...after].sort(), [...before].sort(), "a child process died and was replaced");
});
