/**
 * Whether a value is a promise or promise-like (has a `then` method): a task's result is awaited
 * only then, so a synchronous result never costs a turn of the event loop.
 */

/** `true` for a promise or any object or function with a `then` method. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null &&
    typeof (value as { then?: unknown }).then === "function";
}
