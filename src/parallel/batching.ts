/**
 * Automatic batch sizes, as joblib's `AutoBatchingMixin` computes them.
 *
 * Sending a task to a worker costs a message each way (tens of microseconds); a `sqrt` costs
 * nanoseconds. So tasks travel in batches, and the batch size adapts: it doubles while a batch
 * takes less than MIN_IDEAL_BATCH_DURATION (the overhead would dominate) and shrinks when a
 * batch takes more than MAX_IDEAL_BATCH_DURATION (one worker would be left with all the work
 * at the end while the others idle).
 *
 *   batch size   1 → 2 → 4 → … → 4096 …   (tiny tasks: doubles after each measured batch)
 *   batch size   1 ─────────────────────   (1 s tasks: 1 s is already in [0.2 s, 2 s])
 */

/** The smallest batch duration worth its dispatch overhead, in seconds (joblib's value). */
export const MIN_IDEAL_BATCH_DURATION = 0.2;
/** The longest batch duration before stragglers become likely, in seconds (joblib's value). */
export const MAX_IDEAL_BATCH_DURATION = 2;

/** The state of automatic batching for one pool of workers (joblib keeps it per backend). */
export class AutoBatcher {
  #effectiveBatchSize = 1;
  /** Smoothed duration of a batch of the current size, in seconds; 0 = no measurement yet. */
  #smoothedDuration = 0;

  /** The current batch size. */
  get batchSize(): number {
    return this.#effectiveBatchSize;
  }

  /**
   * The size of the next batch, adjusted from the measured durations. `print` receives joblib's
   * messages (`Batch computation too fast (0.0012s.) Setting batch_size=2.`) when the size changes.
   */
  computeBatchSize(print?: (message: string) => void): number {
    const old = this.#effectiveBatchSize;
    const duration = this.#smoothedDuration;
    let size = old;
    if (duration > 0 && duration < MIN_IDEAL_BATCH_DURATION) {
      // Too small to hide the dispatch overhead. Aim at twice the ideal size (to limit
      // oscillation between min and max), but never more than double at a time.
      const ideal = Math.trunc((old * MIN_IDEAL_BATCH_DURATION) / duration) * 2;
      size = Math.max(Math.min(2 * old, ideal), 1);
      print?.(`Batch computation too fast (${duration.toFixed(4)}s.) Setting batch_size=${size}.`);
    } else if (duration > MAX_IDEAL_BATCH_DURATION && old >= 2) {
      // Too big: shrink fast, so no worker ends up with a long straggler batch.
      const ideal = Math.trunc((old * MIN_IDEAL_BATCH_DURATION) / duration);
      size = Math.max(2 * ideal, 1);
      print?.(`Batch computation too slow (${duration.toFixed(4)}s.) Setting batch_size=${size}.`);
    }
    if (size !== old) {
      this.#effectiveBatchSize = size;
      // Durations measured at the old size say nothing about the new one.
      this.#smoothedDuration = 0;
    }
    return size;
  }

  /** Record that a batch of `size` tasks took `seconds` from dispatch to result. */
  batchCompleted(size: number, seconds: number): void {
    if (size !== this.#effectiveBatchSize) return;
    // Exponentially weighted average, reset whenever the size changes.
    this.#smoothedDuration = this.#smoothedDuration === 0 ? seconds : 0.8 * this.#smoothedDuration + 0.2 * seconds;
  }
}
