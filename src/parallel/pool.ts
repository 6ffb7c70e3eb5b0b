/**
 * What the dispatcher needs from a pool of workers, whatever they are (threads or processes),
 * and the small FIFO both pools use to hand batches to free workers.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { abortReason } from "./errors.js";
import type { BatchOutcome, WireBatch } from "./wire.js";

/** Which kind of workers a pool runs. */
export type PoolKind = "threads" | "processes";

/** A pool of long-lived workers; one per kind and size, kept by the registry. */
export interface WorkerPool {
  readonly kind: PoolKind;
  /** Number of workers: how many batches run at the same time. */
  readonly size: number;
  /**
   * Run `batch` on the next free worker. While it waits for one, an abort of `signal` drops it
   * (the promise rejects with the signal's reason); once running, it runs to the end.
   */
  run(batch: WireBatch, signal?: AbortSignal): Promise<BatchOutcome>;
  /** Resolves once every worker has started and can take work. */
  ready(): Promise<void>;
  /** Thread ids (threads) or process ids (processes) of the workers alive now. */
  workerIds(): number[];
  /** Stop every worker; batches still waiting reject. */
  close(): Promise<void>;
  /** Last resort for process 'exit' (only synchronous work is possible there). */
  killNow(): void;
}

interface Waiter {
  readonly batch: WireBatch;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (outcome: BatchOutcome) => void;
  readonly reject: (error: unknown) => void;
  readonly onAbort: () => void;
}

/**
 * Batches waiting for a free worker, first in first out. The pool calls {@link take} when a
 * worker frees up; an aborted batch leaves the line at once.
 */
export class WaitingLine {
  #waiters: Waiter[] = [];

  /** How many batches are waiting for a worker. */
  get length(): number {
    return this.#waiters.length;
  }

  /** Queue `batch`; `wake` is called right after, so the pool can start it if a worker is free. */
  enqueue(batch: WireBatch, signal: AbortSignal | undefined, wake: () => void): Promise<BatchOutcome> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const promise = new Promise<BatchOutcome>((resolve, reject) => {
      const waiter: Waiter = {
        batch, signal, resolve, reject,
        onAbort: () => {
          const at = this.#waiters.indexOf(waiter);
          if (at >= 0) {
            this.#waiters.splice(at, 1);
            reject(abortReason(signal as AbortSignal));
          }
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
    });
    wake();
    return promise;
  }

  /** The next batch to run, with the callbacks that settle its promise. */
  take(): { batch: WireBatch; resolve: (o: BatchOutcome) => void; reject: (e: unknown) => void } | undefined {
    const waiter = this.#waiters.shift();
    if (waiter === undefined) return undefined;
    waiter.signal?.removeEventListener("abort", waiter.onAbort);
    return waiter;
  }

  /** Reject every waiting batch (the pool is closing). */
  rejectAll(error: unknown): void {
    for (let waiter = this.take(); waiter !== undefined; waiter = this.take()) waiter.reject(error);
  }
}

/**
 * Where a worker entry script is: next to this module. From `dist/` that is the compiled `.js`
 * (what the kernel loads) and the worker needs no flags; when the library runs from `src/` under
 * tsx (the unit tests), it is the `.ts` file, and the worker needs tsx's loader to read it.
 *
 * Never the parent's `execArgv`: a worker thread refuses per-process flags
 * (`ERR_WORKER_INVALID_EXEC_ARGV`), and Node 24+ gives every `node --test` file a list of them;
 * a test runner's or an inspector's flags would also slow or clash in every child process.
 */
export function workerEntry(base: string): { readonly url: URL; readonly execArgv: readonly string[] } {
  const js = new URL(`./${base}.js`, import.meta.url);
  if (existsSync(js)) return { url: js, execArgv: [] };
  const ts = new URL(`./${base}.ts`, import.meta.url);
  if (existsSync(ts)) return { url: ts, execArgv: ["--import", tsxLoader()] };
  throw new Error(`Cannot find the worker script ${js.pathname}; rebuild the library (npm run build)`);
}

/** tsx's ESM loader as a file URL, resolved from here (works whatever the worker's cwd is). */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
}
