/**
 * Helpers for the library's own tests, kept out of the package's entry point (`index.ts`):
 * a display target that records instead of showing, and the comparison sentence built from
 * fixed rows.
 */
export { comparisonOf } from "./measure/bench.js";
export { createRecordingTarget } from "./show/display.js";
export type { RecordedOutput, RecordingTarget } from "./show/display.js";
