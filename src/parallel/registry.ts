/**
 * One pool per configuration ("threads:2", "processes:4", …) for the whole kernel.
 *
 * The pools live in a `globalThis` slot under a `Symbol.for` key, not in a module variable,
 * because a notebook cell can run many times and the library can be loaded more than once
 * (two paths to it, or a test importing both `src/` and `dist/`). Every copy finds the same
 * slot, so re-running `Parallel({ nJobs: 2 })(…)` twenty times starts two workers, once.
 *
 *   cell run 1 ──▶ registry: no "threads:2" → start 2 threads ─┐
 *   cell run 2 ──▶ registry: "threads:2" found ────────────────┤──▶ same 2 threads
 *   cell run 20 ─▶ registry: "threads:2" found ────────────────┘
 */
import { IdleReleasingPool, poolIdleMs } from "./idle-pool.js";
import { ProcessPool } from "./process-pool.js";
import { ThreadPool } from "./thread-pool.js";
import { closeSharedAgents } from "../http/shared-agents.js";
import type { PoolKind, WorkerPool } from "./pool.js";

interface Registry {
  readonly pools: Map<string, IdleReleasingPool>;
  exitHookInstalled: boolean;
}

const SLOT = Symbol.for("concurrency-lab.parallel.pools");

function registry(): Registry {
  const holder = globalThis as { [SLOT]?: Registry };
  holder[SLOT] ??= { pools: new Map(), exitHookInstalled: false };
  return holder[SLOT];
}

/**
 * The pool of `size` workers of `kind`, started on first use and reused afterwards. Its workers
 * stop after a while unused and start again on the next batch (see idle-pool.ts).
 */
export function getPool(kind: PoolKind, size: number): WorkerPool {
  const reg = registry();
  const key = `${kind}:${size}`;
  let pool = reg.pools.get(key);
  if (pool === undefined) {
    installExitHook(reg);
    pool = new IdleReleasingPool(kind, size, poolIdleMs(), () => (kind === "threads" ? new ThreadPool(size) : new ProcessPool(size)));
    reg.pools.set(key, pool);
  }
  return pool;
}

// Child processes are not children of the kernel's event loop: kill them when it exits.
// (Worker threads end with the process on their own.) Installed once per process.
function installExitHook(reg: Registry): void {
  if (reg.exitHookInstalled) return;
  reg.exitHookInstalled = true;
  process.once("exit", () => {
    for (const pool of reg.pools.values()) pool.killNow();
  });
}

/** A description of one live pool (see {@link listPools}). */
export interface PoolInfo {
  /** `"threads"` or `"processes"`. */
  readonly kind: PoolKind;
  /** Number of workers. */
  readonly size: number;
  /** Thread ids (threads) or process ids (processes) of its workers. */
  readonly workerIds: readonly number[];
}

/**
 * The pools alive in this kernel: what `Parallel` has started and will reuse while they are busy.
 * A pool left unused for `CONCURRENCY_LAB_POOL_IDLE_MS` (default 30 s) stops its workers and is
 * no longer listed; the next `Parallel` call starts it again.
 * @example listPools()  // [{ kind: "threads", size: 2, workerIds: [1, 2] }]
 */
export function listPools(): PoolInfo[] {
  return [...registry().pools.values()].filter((pool) => pool.live).map((pool) => ({ kind: pool.kind, size: pool.size, workerIds: pool.workerIds() }));
}

/**
 * Stop every pool `Parallel` has started (threads and child processes) and forget them, and close
 * the connections `loadUrl` keeps open in this thread; the next `Parallel` call starts fresh ones. Pools also stop by themselves when the kernel exits,
 * so this is for a clean teardown (tests, the end of a notebook) or to free the workers.
 * Batches still waiting for a worker reject.
 */
export async function closePools(): Promise<void> {
  const reg = registry();
  const pools = [...reg.pools.values()];
  reg.pools.clear();
  await Promise.all([...pools.map((pool) => pool.close()), closeSharedAgents()]);
}
