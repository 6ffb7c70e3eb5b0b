/**
 * A counting semaphore and a lock for async code — asyncio's `Semaphore` and `Lock` in JS terms.
 *
 * Node runs your JavaScript on one thread, so there are no data races between statements; but
 * between two `await`s other tasks run, and a read-modify-write that spans an `await` can lose
 * updates. A lock makes such a section run one task at a time (the chapter's "row lock", 行锁);
 * a semaphore lets at most N run at once (the chapter's 并发限制, concurrency limit).
 *
 *   Semaphore(2), four tasks of equal length:
 *     task 0  |██████|
 *     task 1  |██████|
 *     task 2         |██████|      ← waits for a permit, starts when task 0 releases
 *     task 3         |██████|
 */

/** Thrown by {@link Semaphore.acquire} when its AbortSignal fires while waiting. */
export class AbortedWaitError extends Error {
  override name = "AbortError";
}

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
  signal: AbortSignal | undefined;
}

/**
 * A counting semaphore: at most `permits` holders at once, waiters served first come, first served.
 *
 * @example
 *   const semaphore = new Semaphore(5);
 *   await Promise.all(urls.map((url) => semaphore.run(() => get(url))));   // `async with semaphore:`
 *   console.log(semaphore.maxRunning);                                       // never more than 5
 */
export class Semaphore {
  readonly #permits: number;
  #running = 0;
  #maxRunning = 0;
  readonly #waiters: Waiter[] = [];
  readonly #bySignal = new Map<AbortSignal, { group: Set<Waiter>; onAbort: () => void }>();

  /**
   * @param permits how many holders may run at once: a positive integer.
   * @throws TypeError when `permits` is not a positive integer.
   */
  constructor(permits: number) {
    if (!Number.isInteger(permits) || permits < 1) {
      throw new TypeError(`Expected permits to be a positive integer, got ${String(permits)}`);
    }
    this.#permits = permits;
  }

  /** The number of permits this semaphore was made with. */
  get permits(): number {
    return this.#permits;
  }

  /** How many holders run now. */
  get running(): number {
    return this.#running;
  }

  /** How many callers wait for a permit now. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** The most holders that ever ran at once (a test's best friend: it must stay ≤ permits). */
  get maxRunning(): number {
    return this.#maxRunning;
  }

  /**
   * Wait for a permit. Pair every acquire with exactly one {@link release}; prefer {@link run}.
   * @param signal aborting it stops the wait (rejects with an AbortError) and takes no permit.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new AbortedWaitError("The wait for a permit was aborted"));
    if (this.#running < this.#permits) {
      this.#take();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      this.#waiters.push(waiter);
      if (signal !== undefined) this.#watch(signal, waiter);
    });
  }

  // One abort listener per signal, however many waits share it, removed as soon as no wait
  // needs it: a listener per wait would pile up on a signal shared by a whole batch of runs.
  #watch(signal: AbortSignal, waiter: Waiter): void {
    let waiters = this.#bySignal.get(signal);
    if (waiters === undefined) {
      const group = new Set<Waiter>();
      const onAbort = (): void => {
        this.#bySignal.delete(signal);
        for (const w of group) {
          const i = this.#waiters.indexOf(w);
          if (i >= 0) this.#waiters.splice(i, 1);
          w.reject(new AbortedWaitError("The wait for a permit was aborted"));
        }
      };
      waiters = { group, onAbort };
      this.#bySignal.set(signal, waiters);
      signal.addEventListener("abort", onAbort, { once: true });
    }
    waiters.group.add(waiter);
  }

  #unwatch(waiter: Waiter): void {
    const { signal } = waiter;
    if (signal === undefined) return;
    const waiters = this.#bySignal.get(signal);
    if (waiters === undefined) return;
    waiters.group.delete(waiter);
    if (waiters.group.size === 0) {
      this.#bySignal.delete(signal);
      signal.removeEventListener("abort", waiters.onAbort);
    }
  }

  /**
   * Give a permit back; the longest waiter (if any) gets it at once.
   * @throws Error when nothing holds a permit (a release without an acquire).
   */
  release(): void {
    if (this.#running === 0) throw new Error("Expected a held permit to release, but none is held");
    this.#running--;
    const next = this.#waiters.shift();
    if (next) {
      this.#unwatch(next);
      this.#take();
      next.resolve();
    }
  }

  /**
   * Run `fn` while holding a permit, and release it however `fn` ends — the JS form of
   * Python's `async with semaphore:`.
   */
  async run<T>(fn: () => T | PromiseLike<T>, signal?: AbortSignal): Promise<Awaited<T>> {
    if (typeof fn !== "function") throw new TypeError("Expected fn to be a function");
    await this.acquire(signal);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  #take(): void {
    this.#running++;
    if (this.#running > this.#maxRunning) this.#maxRunning = this.#running;
  }
}

/**
 * A lock: a semaphore with one permit. `lock.run(fn)` is Python's `async with lock:`.
 *
 * @example
 *   const lock = new Lock();
 *   await Promise.all(orders.map(() => lock.run(async () => {
 *     const stock = await readStock();   // read…
 *     await writeStock(stock - 1);       // …and write, with no other order in between
 *   })));
 */
export class Lock extends Semaphore {
  /** A lock: a semaphore with one permit. */
  constructor() {
    super(1);
  }

  /** True while some task holds the lock. */
  get locked(): boolean {
    return this.running > 0;
  }
}
