/**
 * Helpers for the library's own tests, kept out of the package's entry point (`index.ts`):
 * a display target that records instead of showing, and comparisons built from fixed numbers.
 */
import type { ComparisonRow } from "./measure/bench.js";
import { summarize } from "./measure/stats.js";

export { comparisonOf } from "./measure/bench.js";
export { createRecordingTarget } from "./show/display.js";
export type { RecordedOutput, RecordingTarget } from "./show/display.js";

/** A {@link ComparisonRow} of one run that took `median` ms, `speedup` times the baseline's speed. */
export function fixedRow(name: string, median: number, speedup: number): ComparisonRow {
  return { ...summarize([median]), name, samples: [median], value: undefined, speedup };
}
