/**
 * Entry of a worker thread in the threads backend: piscina imports this file in each thread
 * and calls the default export once per batch.
 */
import { runBatch } from "./run-batch.js";
import type { BatchOutcome, WireBatch } from "./wire.js";

/** Run one batch (piscina's task handler). */
export default function handleBatch(batch: WireBatch): Promise<BatchOutcome> {
  return runBatch(batch);
}
