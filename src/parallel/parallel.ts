/**
 * `Parallel(options)(items)`: joblib's `Parallel(n_jobs=2)(delayed(f)(x) for x in xs)`.
 */
import { AutoBatcher } from "./batching.js";
import { isDelayed, type Delayed, type ResultOf } from "./delayed.js";
import { runOnPool, runSequential, type RunContext } from "./dispatch.js";
import { resolveOptions, type BackendName, type ParallelOptions, type ResolvedOptions } from "./options.js";
import { getPool } from "./registry.js";
import { toFnRef } from "./shipping.js";
import type { FnRef } from "./wire.js";
import { describeValue } from "../internal/describe.js";

/**
 * What `Parallel(options)` returns: call it with delayed calls to run them.
 * Calling it again (or re-running the cell) reuses the same workers.
 */
export interface ParallelRunner {
  /**
   * Run every delayed call and resolve to their results, in input order.
   * @throws TypeError (as a rejection) for an item that is not `delayed(fn)(...)`;
   *   `UnshippableFunctionError` before anything runs, for a function a worker cannot run;
   *   `ParallelTaskError` for the first task that threw; the signal's reason on abort.
   */
  <D extends Delayed>(items: Iterable<D>): Promise<Array<ResultOf<D>>>;
  /** How many tasks run at the same time (`nJobs`, with -1 resolved to the number of cores). */
  readonly nJobs: number;
  /** The backend that runs the tasks: `SequentialBackend` (nJobs 1), `ThreadingBackend` or `ProcessBackend`. */
  readonly backend: BackendName;
  /**
   * joblib's `with Parallel(n_jobs=2) as parallel:` — start the workers now (so the first call
   * does not pay for it), run `body` with a runner that shares one batch-size estimate across
   * its calls, and end the scope when `body` settles (calling that runner afterwards throws).
   * The workers stay in the kernel's pool registry for later calls: use `closePools()` to stop them.
   * @example
   *   await Parallel({ nJobs: 2 }).scope(async (parallel) => {
   *     const a = await parallel(xs.map((x) => delayed(sqrt)(x)));
   *     const b = await parallel(a.map((x) => delayed(sqrt)(x)));
   *   });
   */
  scope<R>(body: (parallel: ParallelRunner) => R | PromiseLike<R>): Promise<Awaited<R>>;
  /** joblib's repr: `Parallel(n_jobs=2)`. */
  toString(): string;
}

function toItems(items: unknown): Delayed[] {
  if (items === null || items === undefined || typeof (items as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== "function" || typeof items === "string") {
    throw new TypeError(`Expected items to be an array or iterable of delayed(fn)(...args) calls, got ${describeValue(items)}`);
  }
  const list = Array.isArray(items) ? (items as unknown[]) : [...(items as Iterable<unknown>)];
  for (let i = 0; i < list.length; i++) {
    if (!isDelayed(list[i])) {
      throw new TypeError(`Expected item ${i} to be a delayed call such as delayed(fn)(x), got ${describeValue(list[i])}`);
    }
  }
  return list as Delayed[];
}

// Every distinct function, checked once, before any task runs.
function shippedRefs(items: readonly Delayed[]): Map<unknown, FnRef> {
  const refs = new Map<unknown, FnRef>();
  for (const item of items) {
    if (!refs.has(item.fn)) refs.set(item.fn, toFnRef(item.fn));
  }
  return refs;
}

async function run(items: unknown, options: ResolvedOptions, ctx: RunContext): Promise<unknown[]> {
  const list = toItems(items);
  options.signal?.throwIfAborted();
  if (options.nJobs === 1) return runSequential(list, ctx);
  const refs = shippedRefs(list);
  const pool = getPool(options.prefer, options.nJobs);
  return runOnPool(list, refs, pool, ctx);
}

function makeRunner(options: ResolvedOptions, batcher: AutoBatcher | undefined, isActive: () => boolean): ParallelRunner {
  const label = `Parallel(n_jobs=${options.nJobsGiven})`;
  const runner = (async (items: unknown) => {
    if (!isActive()) {
      throw new Error(`This ${label} runner belongs to a scope that has ended; call Parallel(options) again outside the scope`);
    }
    // joblib resets its batch-size estimate per call, but keeps it across the calls of a `with` block.
    return run(items, options, { options, label, batcher: batcher ?? new AutoBatcher() });
  }) as ParallelRunner;
  Object.defineProperties(runner, {
    nJobs: { value: options.nJobs, enumerable: true },
    backend: { value: options.backend, enumerable: true },
    toString: { value: () => label },
    scope: {
      value: async <R>(body: (parallel: ParallelRunner) => R | PromiseLike<R>): Promise<Awaited<R>> => {
        if (typeof body !== "function") throw new TypeError(`Expected body to be a function, got ${describeValue(body)}`);
        if (options.nJobs > 1) await getPool(options.prefer, options.nJobs).ready();
        let active = true;
        const scoped = makeRunner(options, new AutoBatcher(), () => active);
        try {
          return await body(scoped);
        } finally {
          active = false;
        }
      },
    },
  });
  return runner;
}

/**
 * joblib's `Parallel`: `await Parallel({ nJobs: 2 })(items)` runs delayed calls on 2 workers
 * and resolves to their results in input order.
 *
 * Workers are started on first use, one pool per `prefer` × `nJobs`: re-running a cell reuses
 * them, never adds more (see `listPools`, `closePools`). They stop when the kernel exits, or after
 * `CONCURRENCY_LAB_POOL_IDLE_MS` unused (default 30 s; 0 keeps them), and start again when needed.
 *
 * @example
 *   import { Parallel, delayed, sqrt, sleep } from "concurrency-lab";
 *   await Parallel({ nJobs: 2, prefer: "processes" })(
 *     Array.from({ length: 10 }, (_, i) => delayed(sqrt)(i ** 2)));      // [0, 1, …, 9]
 *   await Parallel({ nJobs: 10, verbose: 10 })(
 *     Array.from({ length: 10 }, () => delayed(sleep)(1)));              // ~1 s, not 10
 * @param options see {@link ParallelOptions}; all optional.
 * @throws TypeError at once for an invalid option (e.g. `Expected nJobs to be a positive integer or -1, got 0`).
 */
export function Parallel(options: ParallelOptions = {}): ParallelRunner {
  return makeRunner(resolveOptions(options), undefined, () => true);
}

/**
 * The scoped form, `with Parallel(n_jobs=2) as parallel:` — same as
 * `Parallel(options).scope(body)`: start the workers, run `body` with a runner for several
 * calls on them, end the scope when `body` settles.
 * @example
 *   const [roots, big] = await withParallel({ nJobs: 2 }, async (parallel) => [
 *     await parallel(xs.map((x) => delayed(sqrt)(x))),
 *     await parallel([delayed(nlargest)(2, xs)]),
 *   ]);
 */
export function withParallel<R>(options: ParallelOptions, body: (parallel: ParallelRunner) => R | PromiseLike<R>): Promise<Awaited<R>> {
  return Parallel(options).scope(body);
}
