/**
 * concurrency-lab — the helper library behind the course notebooks.
 * This file only re-exports; each concept lives in its own module.
 */
export { timeIt, timeSync, formatDuration, describe } from "./timing.js";
export type { Timed } from "./timing.js";
export { loadDiamonds, defaultDiamondsPath, DIAMOND_COLUMNS, DIAMOND_FLOAT_COLUMNS, DataError } from "./data.js";
export type { Diamond, LoadDiamondsOptions } from "./data.js";
export { formatTable } from "./table.js";
export type { FormatTableOptions } from "./table.js";
export { Semaphore, Lock, AbortedWaitError } from "./semaphore.js";
