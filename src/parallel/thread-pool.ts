/**
 * The threads backend's pool: piscina worker threads, all started up front
 * (`minThreads = maxThreads = size`) and kept until the pool closes (idle-pool.ts closes it when unused).
 *
 * Batches wait in our own line, not piscina's, and piscina only ever gets as many as there
 * are threads. Why: cancelling a task piscina has already started terminates its thread; by
 * holding the queue ourselves, an abort only removes batches nobody has started.
 */
import { Piscina } from "piscina";
import { WaitingLine, workerEntry, type WorkerPool } from "./pool.js";
import type { BatchOutcome, WireBatch } from "./wire.js";

const EMPTY_BATCH: WireBatch = { fns: [], which: null, args: [], unary: true };

/** A pool of `size` worker threads (see the module comment). */
export class ThreadPool implements WorkerPool {
  readonly kind = "threads" as const;
  readonly size: number;
  readonly #piscina: Piscina<WireBatch, BatchOutcome>;
  readonly #line = new WaitingLine();
  #active = 0;
  /** Holds the event loop open while batches are out (see #drain). */
  #keepAlive: ReturnType<typeof setInterval> | undefined;
  #ready: Promise<void> | undefined;
  #closed = false;

  /** A pool of `size` worker threads (piscina), started at once. */
  constructor(size: number) {
    this.size = size;
    const entry = workerEntry("thread-worker");
    this.#piscina = new Piscina<WireBatch, BatchOutcome>({
      filename: entry.url.href,
      minThreads: size,
      maxThreads: size,
      // 'disabled': an idle worker waits for its next task on its event loop rather than
      // blocked in Atomics.wait, so sockets a task left open (loadUrl's keep-alive
      // connections) keep being serviced between tasks.
      atomics: "disabled",
      execArgv: [...entry.execArgv],
    });
  }

  /** Queue a batch for the next free thread; `signal` drops it while it still waits. */
  run(batch: WireBatch, signal?: AbortSignal): Promise<BatchOutcome> {
    if (this.#closed) return Promise.reject(new Error("This thread pool is closed"));
    return this.#line.enqueue(batch, signal, () => this.#drain());
  }

  #drain(): void {
    // Bounded by the number of waiting batches.
    while (this.#active < this.size) {
      const next = this.#line.take();
      if (next === undefined) break;
      this.#active++;
      void this.#piscina.run(next.batch).then(next.resolve, next.reject).finally(() => {
        this.#active--;
        this.#drain();
      });
    }
    // piscina unrefs its threads, and a thread still starting holds nothing: without a handle
    // of our own, a script awaiting its first batch could see Node exit under it. A timer that
    // never fires is the cheapest handle; it exists only while batches are out, so an idle
    // pool never keeps a kernel (or a script) alive.
    if (this.#active > 0 && this.#keepAlive === undefined) {
      this.#keepAlive = setInterval(() => undefined, 1 << 30);
    } else if (this.#active === 0 && this.#keepAlive !== undefined) {
      clearInterval(this.#keepAlive);
      this.#keepAlive = undefined;
    }
  }

  /** Resolves once every thread has started and answered. */
  ready(): Promise<void> {
    // One empty batch per thread: resolves once threads answer (piscina starts them all at once).
    this.#ready ??= Promise.all(Array.from({ length: this.size }, () => this.run(EMPTY_BATCH))).then(() => undefined);
    return this.#ready;
  }

  /** The thread ids of the workers. */
  workerIds(): number[] {
    return this.#piscina.threads.map((thread) => thread.threadId);
  }

  /** Reject the waiting batches and end every thread; resolves when they have stopped. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#line.rejectAll(new Error("The thread pool was closed"));
    await this.#piscina.destroy();
  }

  /** Nothing to do for threads: they end with the process. */
  killNow(): void {
    // Worker threads end with their process; nothing to do synchronously.
  }
}
