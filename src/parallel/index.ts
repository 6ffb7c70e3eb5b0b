/**
 * joblib's `Parallel` / `delayed` for Node.js: worker threads (piscina) or child processes,
 * joblib's batching, verbose lines and a tqdm-style progress bar. Re-exports only.
 */
export { Parallel, withParallel } from "./parallel.js";
export type { ParallelRunner } from "./parallel.js";
export { delayed, isDelayed } from "./delayed.js";
export type { Delayed, ResultOf } from "./delayed.js";
export { cpuCount } from "./options.js";
export type { ParallelOptions, Prefer, BackendName } from "./options.js";
export { ParallelTaskError, UnshippableFunctionError } from "./errors.js";
export { closePools, listPools } from "./registry.js";
export type { PoolInfo } from "./registry.js";
export { sqrt, sleep, nlargest, lower, loadUrl, fib } from "./tasks.js";
export type { LoadUrlOptions } from "./tasks.js";
