/**
 * joblib's progress messages, in joblib's format and with joblib's rules for which appear:
 *
 *   [Parallel(n_jobs=2)]: Using backend ThreadingBackend with 2 concurrent workers.
 *   [Parallel(n_jobs=2)]: Done   1 tasks      | elapsed:    0.6s
 *   [Parallel(n_jobs=2)]: Done   3 out of  10 | elapsed:    2.9s remaining:    6.8s
 *   [Parallel(n_jobs=2)]: Done  10 out of  10 | elapsed:   10.0s finished
 *
 * While tasks are still being handed out, a "Done N tasks" line appears after a number of
 * dispatched batches that grows like a square (fewer lines as the run goes on; every batch
 * above verbose 10). Once all are handed out, a "Done i out of n" line appears every
 * (n // verbose + 1) tasks; the final line always appears when verbose > 0.
 */

/** Python's `%` (the result has the sign of the divisor), which joblib's rules rely on. */
function pyMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** joblib's `short_format_time`: `"   2.9s"` (seconds) or `" 1.5min"` above a minute. */
export function shortFormatTime(seconds: number): string {
  if (seconds > 60) return `${(seconds / 60).toFixed(1).padStart(4)}min`;
  return ` ${seconds.toFixed(1).padStart(5)}s`;
}

/**
 * joblib's `_verbosity_filter`: `true` to skip the "Done N tasks" line after the `index`-th
 * dispatched batch. The gap between lines grows with the index, and shrinks with `verbose`.
 */
export function verbosityFilter(index: number, verbose: number): boolean {
  if (!verbose) return true;
  if (verbose > 10) return false;
  if (index === 0) return false;
  const scaleDivisor = 0.5 * (11 - verbose) ** 2;
  const scale = Math.sqrt(index / scaleDivisor);
  const nextScale = Math.sqrt((index + 1) / scaleDivisor);
  return Math.trunc(nextScale) === Math.trunc(scale);
}

/** The counters a progress message is computed from (joblib's `Parallel` attributes). */
export interface RunCounters {
  readonly completedTasks: number;
  readonly dispatchedTasks: number;
  readonly dispatchedBatches: number;
  /** `true` while tasks remain to hand out (joblib: `_original_iterator is not None`). */
  readonly stillDispatching: boolean;
  /** Tasks handed out up front (joblib's `_pre_dispatch_amount`; 0 for the sequential backend). */
  readonly preDispatchAmount: number;
}

/** Prints joblib's messages for one `Parallel` call, or nothing when `verbose` is 0. */
export class VerboseReporter {
  readonly #label: string;
  readonly #verbose: number;
  readonly #log: (line: string) => void;
  readonly #now: () => number;
  readonly #start: number;

  /**
   * @param label joblib's `repr(parallel)`, e.g. `Parallel(n_jobs=2)`.
   * @param now clock in milliseconds.
   */
  constructor(label: string, verbose: number, log: (line: string) => void, now: () => number) {
    this.#label = label;
    this.#verbose = verbose;
    this.#log = log;
    this.#now = now;
    this.#start = now();
  }

  /** Whether any message will be printed. */
  get enabled(): boolean {
    return this.#verbose > 0;
  }

  /** The verbosity level. */
  get level(): number {
    return this.#verbose;
  }

  /** Print `[Parallel(n_jobs=2)]: message` (when verbose > 0). */
  print(message: string): void {
    if (this.#verbose > 0) this.#log(`[${this.#label}]: ${message}`);
  }

  /** `Using backend ThreadingBackend with 2 concurrent workers.` */
  usingBackend(name: string, workers: number): void {
    this.print(`Using backend ${name} with ${workers} concurrent workers.`);
  }

  /** joblib's `print_progress`, called after each completed batch. */
  progress(c: RunCounters): void {
    if (!this.#verbose) return;
    const elapsed = (this.#now() - this.#start) / 1000;
    if (c.stillDispatching) {
      if (verbosityFilter(c.dispatchedBatches, this.#verbose)) return;
      this.print(`Done ${String(c.completedTasks).padStart(3)} tasks      | elapsed: ${shortFormatTime(elapsed)}`);
      return;
    }
    const index = c.completedTasks;
    const total = c.dispatchedTasks;
    if (index !== 0) {
      // A message as soon as dispatching ends (cursor 0), then every `frequency` tasks.
      const cursor = total - index + 1 - c.preDispatchAmount;
      const frequency = Math.floor(total / this.#verbose) + 1;
      const isLastItem = index + 1 === total;
      if (isLastItem || pyMod(cursor, frequency) !== 0) return;
    }
    const remaining = index === 0 ? 0 : (elapsed / index) * (total - index);
    this.print(`Done ${String(index).padStart(3)} out of ${String(total).padStart(3)} | elapsed: ${shortFormatTime(elapsed)} remaining: ${shortFormatTime(remaining)}`);
  }

  /** `Done  10 out of  10 | elapsed:   10.0s finished` */
  finished(total: number): void {
    const elapsed = (this.#now() - this.#start) / 1000;
    this.print(`Done ${String(total).padStart(3)} out of ${String(total).padStart(3)} | elapsed: ${shortFormatTime(elapsed)} finished`);
  }
}
