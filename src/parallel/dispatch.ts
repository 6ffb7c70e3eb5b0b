/**
 * Running a list of delayed calls, joblib's way: results in input order, batches whose size
 * adapts, the first error ends the run, progress reported after each batch.
 *
 * With workers (nJobs = 2, 10 tasks), joblib hands out 2 × nJobs tasks up front, then one
 * more batch each time a batch finishes, so every worker always has the next batch waiting:
 *
 *   time ─────────────────────────────────────────────▶
 *   worker 1  [b0]──[b2]────[b4]──[b6]───[b8]
 *   worker 2  [b1]────[b3]──[b5]────[b7]──[b9]
 *   handed out b0 b1 b2 b3 │    │     │   …   (one per finished batch)
 *                         b0 done → b4, b1 done → b5, …
 *
 * Results land in their input slots as batches finish, whatever the finishing order.
 */
import { performance } from "node:perf_hooks";
import { progressBar, type ProgressBar } from "../show/progress.js";
import { AutoBatcher } from "./batching.js";
import type { Delayed } from "./delayed.js";
import { ParallelTaskError, abortReason } from "./errors.js";
import type { ResolvedOptions } from "./options.js";
import type { WorkerPool } from "./pool.js";
import { VerboseReporter } from "./verbose.js";
import { deserializeError, type BatchOutcome, type FnRef, type WireBatch } from "./wire.js";
import { isThenable } from "../internal/thenable.js";

/** What one run needs besides the items: its options, and for scoped runs a shared batcher. */
export interface RunContext {
  readonly options: ResolvedOptions;
  /** joblib's `repr(parallel)`: `Parallel(n_jobs=2)`. */
  readonly label: string;
  readonly batcher: AutoBatcher;
}

type AnyFn = (...args: unknown[]) => unknown;

function startProgress(options: ResolvedOptions, total: number): ProgressBar | undefined {
  return options.progress === undefined ? undefined : progressBar({ total, ...options.progress });
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** How long the sequential backend may hold the event loop before letting timers, output and aborts through. */
const SEQUENTIAL_SLICE_MS = 15;

/**
 * nJobs = 1: every call in the calling thread, in order, like joblib's SequentialBackend
 * (batch size 1; each call is "dispatched" and "done" at once, hence joblib's
 * `Done 3 out of 3` lines). Async functions are awaited one at a time.
 */
export async function runSequential(items: readonly Delayed[], ctx: RunContext): Promise<unknown[]> {
  const { options } = ctx;
  const { signal } = options;
  const n = items.length;
  const reporter = new VerboseReporter(ctx.label, options.verbose, options.log, () => performance.now());
  reporter.usingBackend("SequentialBackend", 1);
  const bar = startProgress(options, n);
  const results = new Array<unknown>(n);
  let lastYield = performance.now();
  try {
    for (let i = 0; i < n; i++) {
      signal?.throwIfAborted();
      const item = items[i] as Delayed;
      try {
        let value = (item.fn as AnyFn)(...item.args);
        if (isThenable(value)) value = await value;
        results[i] = value;
      } catch (error) {
        throw new ParallelTaskError(i, n, item.fn.name, item.args, error);
      }
      bar?.update(1);
      if (reporter.enabled) {
        reporter.progress({ completedTasks: i + 1, dispatchedTasks: i + 1, dispatchedBatches: i + 1, stillDispatching: false, preDispatchAmount: 0 });
      }
      // A long synchronous run would freeze the bar, hide the output and ignore an abort.
      if (performance.now() - lastYield > SEQUENTIAL_SLICE_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
    signal?.throwIfAborted();
    reporter.finished(n);
    return results;
  } finally {
    bar?.close();
  }
}

/** Half-open range of item indices [start, end). */
type Range = readonly [number, number];

/**
 * nJobs > 1: batches on `pool`, joblib's dispatch (see the module comment). `refs` maps each
 * distinct function of `items` to how it reaches a worker (checked before anything runs).
 */
export function runOnPool(items: readonly Delayed[], refs: ReadonlyMap<unknown, FnRef>, pool: WorkerPool, ctx: RunContext): Promise<unknown[]> {
  const { options, batcher } = ctx;
  const nJobs = pool.size;
  const n = items.length;
  const reporter = new VerboseReporter(ctx.label, options.verbose, options.log, () => performance.now());
  reporter.usingBackend(options.backend, nJobs);
  const printBatching = reporter.level >= 10 ? (m: string) => reporter.print(m) : undefined;
  const bar = startProgress(options, n);
  const results = new Array<unknown>(n);
  // Our own signal for this run: aborting it drops our batches still waiting for a worker.
  const stop = new AbortController();

  // joblib's counters and flags.
  const preDispatchAmount = 2 * nJobs;
  let nextIndex = 0;
  let stillDispatching = true; // joblib: _original_iterator is not None
  let iterating = false;
  let dispatchedTasks = 0;
  let dispatchedBatches = 0;
  let completedTasks = 0;
  let settled = false;
  const ready: Range[] = [];

  return new Promise<unknown[]>((resolve, reject) => {
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      stop.abort(error);
      options.signal?.removeEventListener("abort", onAbort);
      bar?.close();
      reject(error);
    };
    const onAbort = (): void => fail(abortReason(options.signal as AbortSignal));

    const succeed = (): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener("abort", onAbort);
      reporter.finished(completedTasks);
      bar?.close();
      resolve(results);
    };

    // joblib's dispatch_one_batch: take from the ready batches, or cut `batchSize × nJobs`
    // tasks into nJobs batches — or into smaller ones near the end, so that the last batches
    // finish close together instead of one worker finishing alone.
    const dispatchOneBatch = (limit: number, fromOriginal: boolean): boolean => {
      if (settled) return false;
      const batchSize = options.batchSize === "auto" ? batcher.computeBatchSize(printBatching) : options.batchSize;
      let range = ready.shift();
      if (range === undefined) {
        const big = batchSize * nJobs;
        const start = nextIndex;
        const end = Math.min(limit, n, start + big);
        if (end <= start) return false;
        nextIndex = end;
        const count = end - start;
        const finalSize = fromOriginal && count < big ? Math.max(1, Math.floor(count / (10 * nJobs))) : Math.max(1, Math.floor(count / nJobs));
        for (let i = start; i < end; i += finalSize) ready.push([i, Math.min(end, i + finalSize)]);
        range = ready.shift() as Range;
      }
      dispatch(range);
      return true;
    };

    const dispatchNext = (): void => {
      if (!dispatchOneBatch(n, true)) {
        iterating = false;
        stillDispatching = false;
      }
    };

    const dispatch = ([start, end]: Range): void => {
      dispatchedTasks += end - start;
      dispatchedBatches += 1;
      const started = performance.now();
      let batch: WireBatch;
      try {
        batch = buildBatch(items, refs, start, end);
      } catch (error) {
        fail(error);
        return;
      }
      void pool.run(batch, stop.signal).then(
        (outcome) => onBatchDone(start, end, started, outcome),
        (error: unknown) => onBatchFailed(start, end, error),
      );
    };

    const onBatchDone = (start: number, end: number, started: number, outcome: BatchOutcome): void => {
      if (settled) return;
      if (!outcome.ok) {
        const index = start + outcome.at;
        const item = items[index] as Delayed;
        fail(new ParallelTaskError(index, n, item.fn.name, item.args, deserializeError(outcome.error)));
        return;
      }
      const values = outcome.values;
      for (let i = 0; i < values.length; i++) results[start + i] = values[i];
      // joblib's BatchCompletionCallBack: count, measure, report, then hand out the next batch.
      completedTasks += end - start;
      batcher.batchCompleted(end - start, (performance.now() - started) / 1000);
      bar?.update(end - start);
      reporter.progress({ completedTasks, dispatchedTasks, dispatchedBatches, stillDispatching, preDispatchAmount });
      if (stillDispatching) dispatchNext();
      if (!iterating && completedTasks === dispatchedTasks) succeed();
    };

    const onBatchFailed = (start: number, end: number, error: unknown): void => {
      if (settled) return;
      fail(batchError(items, start, end, error));
    };

    if (options.signal?.aborted) {
      fail(abortReason(options.signal));
      return;
    }
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (n === 0) {
      succeed();
      return;
    }
    // joblib's _start: the first 2 × nJobs tasks now, the rest as batches finish.
    if (dispatchOneBatch(preDispatchAmount, false)) iterating = stillDispatching;
    // Bounded: each round consumes at least one task of the first 2 × nJobs.
    while (dispatchOneBatch(preDispatchAmount, false));
  });
}

/** The message for a batch: one function and one argument per call in the common case. */
function buildBatch(items: readonly Delayed[], refs: ReadonlyMap<unknown, FnRef>, start: number, end: number): WireBatch {
  const first = items[start] as Delayed;
  let unary = true;
  let mixed = false;
  for (let i = start; i < end; i++) {
    const item = items[i] as Delayed;
    if (item.args.length !== 1) unary = false;
    if (item.fn !== first.fn) mixed = true;
  }
  const args = new Array<unknown>(end - start);
  for (let i = start; i < end; i++) {
    const item = items[i] as Delayed;
    args[i - start] = unary ? item.args[0] : item.args;
  }
  if (!mixed) return { fns: [refs.get(first.fn) as FnRef], which: null, args, unary };
  const fns: FnRef[] = [];
  const position = new Map<unknown, number>();
  const which = new Array<number>(end - start);
  for (let i = start; i < end; i++) {
    const fn = (items[i] as Delayed).fn;
    let at = position.get(fn);
    if (at === undefined) {
      at = fns.length;
      position.set(fn, at);
      fns.push(refs.get(fn) as FnRef);
    }
    which[i - start] = at;
  }
  return { fns, which, args, unary };
}

// A batch that failed as a whole: its message could not be sent, or its worker died.
function batchError(items: readonly Delayed[], start: number, end: number, error: unknown): unknown {
  if (error instanceof Error && error.name === "DataCloneError") {
    for (let i = start; i < end; i++) {
      const item = items[i] as Delayed;
      try {
        structuredClone(item.args);
      } catch {
        return new ParallelTaskError(i, items.length, item.fn.name, item.args, error, " (its arguments cannot be copied to a worker)");
      }
    }
  }
  const item = items[start] as Delayed;
  const detail = end - start > 1 ? ` (in the batch of tasks ${start} to ${end - 1})` : "";
  return new ParallelTaskError(start, items.length, item.fn.name, item.args, error, detail);
}
