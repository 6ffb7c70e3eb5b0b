/**
 * A pool that gives its workers back when nobody uses them: after `idleMs` with no batch
 * running or waiting, the workers (threads or child processes) stop; the next batch starts
 * fresh ones. While batches keep coming, the same workers serve them.
 *
 *   run ──▶ [workers started] ─ batch ─ batch ─ idle … idleMs ─▶ [workers stopped]
 *   run ──▶ [workers started again] ─ batch ─ …
 *
 * Why: a class of thirty kernels that each keep four workers after one demo holds gigabytes
 * nobody uses. Why a wrapper, not a registry entry that is dropped: a runner kept by a scope
 * (`withParallel`) holds the pool across calls, and must find it working after a pause.
 *
 * The idle time comes from `CONCURRENCY_LAB_POOL_IDLE_MS` (milliseconds; `0` keeps workers for
 * the kernel's lifetime), default {@link DEFAULT_POOL_IDLE_MS}. The timer never keeps Node alive.
 */
import type { PoolKind, WorkerPool } from "./pool.js";
import type { BatchOutcome, WireBatch } from "./wire.js";

/** Idle milliseconds after which a pool's workers stop when the environment says nothing. */
export const DEFAULT_POOL_IDLE_MS = 30_000;

const IDLE_ENV = "CONCURRENCY_LAB_POOL_IDLE_MS";

/**
 * The idle time from `CONCURRENCY_LAB_POOL_IDLE_MS`, or the default; 0 means never release.
 * @throws RangeError when the variable is set to something other than a non-negative number.
 */
export function poolIdleMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[IDLE_ENV]?.trim();
  if (raw === undefined || raw === "") return DEFAULT_POOL_IDLE_MS;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`Expected ${IDLE_ENV} to be a number of milliseconds ≥ 0 (0 keeps workers), got ${JSON.stringify(raw)}`);
  }
  return ms;
}

/** A {@link WorkerPool} whose workers stop after `idleMs` unused and start again on demand. */
export class IdleReleasingPool implements WorkerPool {
  readonly kind: PoolKind;
  readonly size: number;
  readonly #start: () => WorkerPool;
  readonly #idleMs: number;
  #inner: WorkerPool | undefined;
  /** Batches and ready() calls in flight: the workers stay while this is above 0. */
  #busy = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #releases = 0;

  /** @param start makes the real pool (called on first use and after every release). */
  constructor(kind: PoolKind, size: number, idleMs: number, start: () => WorkerPool) {
    this.kind = kind;
    this.size = size;
    this.#idleMs = idleMs;
    this.#start = start;
  }

  /** Whether workers are running now (false before first use and after a release). */
  get live(): boolean {
    return this.#inner !== undefined;
  }

  /** How many times the workers were stopped for being idle. */
  get releases(): number {
    return this.#releases;
  }

  #use<T>(work: (pool: WorkerPool) => Promise<T>): Promise<T> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#inner ??= this.#start();
    this.#busy++;
    return work(this.#inner).finally(() => {
      this.#busy--;
      this.#armIfIdle();
    });
  }

  #armIfIdle(): void {
    if (this.#busy > 0 || this.#inner === undefined || this.#idleMs <= 0 || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const idle = this.#inner;
      if (this.#busy > 0 || idle === undefined) return;
      this.#inner = undefined;
      this.#releases++;
      void idle.close();
    }, this.#idleMs);
    this.#timer.unref();
  }

  /** Run `batch` on the workers, starting them first if they were released. */
  run(batch: WireBatch, signal?: AbortSignal): Promise<BatchOutcome> {
    return this.#use((pool) => pool.run(batch, signal));
  }

  /** Resolves once every worker has started (starting them if needed). */
  ready(): Promise<void> {
    return this.#use((pool) => pool.ready());
  }

  /** Ids of the workers alive now; empty once released. */
  workerIds(): number[] {
    return this.#inner?.workerIds() ?? [];
  }

  /** Stop the workers now (the next batch starts new ones); waiting batches reject. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const inner = this.#inner;
    this.#inner = undefined;
    await inner?.close();
  }

  /** Kill the workers at once (the kernel is exiting). */
  killNow(): void {
    this.#inner?.killNow();
  }
}
