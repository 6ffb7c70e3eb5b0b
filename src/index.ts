/**
 * concurrency-lab — the helper library behind the course notebooks.
 * This file only re-exports; each concept lives in its own module.
 */
export { timeIt, timeSync, formatDuration, describe } from "./timing.js";
export type { Timed } from "./timing.js";
