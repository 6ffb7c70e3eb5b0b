/**
 * `delayed(fn)(...args)`: a call written down but not made, like joblib's `delayed`. It records
 * the function and its arguments; `Parallel(...)` makes the calls, in workers or in place.
 */
import { describeValue } from "../internal/describe.js";

/** The mark of a delayed call. A `Symbol.for` key, so calls made by another copy of the library still count. */
const DELAYED = Symbol.for("concurrency-lab.parallel.delayed");

/** Type-only: carries the result type of a delayed call. Never set at run time. */
declare const resultType: unique symbol;

/**
 * A call of `fn` with `args`, to be run by `Parallel`. Made by {@link delayed}; `R` is what
 * the call returns (awaited, when `fn` is async).
 */
export interface Delayed<R = unknown> {
  /** The function to call. */
  readonly fn: (...args: never[]) => unknown;
  /** The arguments to call it with. */
  readonly args: readonly unknown[];
  /** Type-only marker of the result type; absent at run time. */
  readonly [resultType]?: R;
}

/**
 * Capture a function's arguments for later, like joblib's `delayed`:
 * `delayed(sqrt)(4)` is the call `sqrt(4)`, not yet made. Give a list of them to `Parallel`.
 *
 * What can run in a worker (`nJobs` > 1): the library's tasks (`sqrt`, `sleep`, `nlargest`,
 * `lower`, `loadUrl`, `fib`), built-ins such as `Math.sqrt`, and self-contained functions —
 * ones that use only their parameters, their own variables and globals like `Math` or `JSON`.
 * With `nJobs: 1` any function runs, in the calling thread.
 *
 * @example
 *   const items = Array.from({ length: 10 }, (_, i) => delayed(sqrt)(i ** 2));
 *   await Parallel({ nJobs: 2 })(items)   // [0, 1, 2, …, 9]
 * @throws TypeError when `fn` is not a function.
 */
export function delayed<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => Delayed<Awaited<R>> {
  if (typeof fn !== "function") {
    throw new TypeError(`Expected fn to be a function, got ${describeValue(fn)}`);
  }
  return (...args: A) => ({ [DELAYED]: true, fn, args }) as unknown as Delayed<Awaited<R>>;
}

/** What a delayed call returns: `ResultOf<Delayed<number>>` is `number`; for a union of calls, the union of results. */
export type ResultOf<D> = D extends Delayed<infer R> ? R : never;

/** Whether `value` was made by {@link delayed}. */
export function isDelayed(value: unknown): value is Delayed {
  return typeof value === "object" && value !== null && (value as { [DELAYED]?: unknown })[DELAYED] === true &&
    typeof (value as Delayed).fn === "function" && Array.isArray((value as Delayed).args);
}
