/**
 * What travels between the calling thread and a worker (thread or child process).
 * Everything here must survive the structured clone algorithm (worker threads) and
 * `v8.serialize` (child processes with `serialization: "advanced"`), which accept the same values.
 */

/** How a function reaches a worker: functions themselves cannot be copied between threads. */
export type FnRef =
  /** One of the library's task functions (`sqrt`, `sleep`, …), looked up by name in the worker. */
  | { readonly kind: "task"; readonly name: string }
  /** A built-in such as `Math.sqrt`, looked up by its path on the worker's `globalThis`. */
  | { readonly kind: "global"; readonly path: string }
  /** A self-contained function, sent as source text and compiled once per source in the worker. */
  | { readonly kind: "source"; readonly source: string; readonly name: string };

/** A batch of calls run one after another by one worker (joblib's `BatchedCalls`). */
export interface WireBatch {
  /** The distinct functions of this batch. */
  readonly fns: readonly FnRef[];
  /** Which entry of `fns` each call uses; `null` when every call uses `fns[0]` (the usual case). */
  readonly which: readonly number[] | null;
  /**
   * One entry per call: its argument list, or, when `unary`, its only argument.
   * `unary` spares an array per call, which matters for 100,000 one-argument tasks.
   */
  readonly args: readonly unknown[];
  readonly unary: boolean;
}

/** An error from a worker, flattened: custom Error classes do not survive a copy between threads. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
}

/** What a worker answers for one batch: every value, or where the first error happened. */
export type BatchOutcome =
  | { readonly ok: true; readonly values: unknown[] }
  | { readonly ok: false; readonly at: number; readonly error: SerializedError };

/** Flatten any thrown value into a {@link SerializedError}. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const code = read(() => (error as { code?: unknown }).code);
    const stack = read(() => error.stack);
    return {
      // Only strings cross: a symbol or an object here would make the copy itself throw.
      name: textOf(read(() => error.name), "Error"),
      message: textOf(read(() => error.message), ""),
      ...(typeof stack === "string" ? { stack } : {}),
      ...(typeof code === "string" ? { code } : {}),
    };
  }
  return { name: "Error", message: `A non-Error value was thrown: ${textOf(error, "(unprintable)")}` };
}

// A property of a thrown value, or undefined when its getter throws.
function read(get: () => unknown): unknown {
  try {
    return get();
  } catch {
    return undefined;
  }
}

function textOf(value: unknown, fallback: string): string {
  if (typeof value === "string") return value;
  if (value === undefined) return fallback;
  try {
    return String(value);
  } catch {
    return fallback;
  }
}

const ERROR_CLASSES: Record<string, ErrorConstructor> = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
};

/**
 * Rebuild an Error from a {@link SerializedError}, keeping its class when it is a built-in one
 * (so `instanceof TypeError` still works) and the worker's stack (which shows where it failed).
 */
export function deserializeError(data: SerializedError): Error {
  const Ctor = ERROR_CLASSES[data.name] ?? Error;
  const error = new Ctor(data.message);
  if (error.name !== data.name) {
    Object.defineProperty(error, "name", { value: data.name, configurable: true, writable: true });
  }
  if (data.stack !== undefined) error.stack = data.stack;
  if (data.code !== undefined) Object.assign(error, { code: data.code });
  return error;
}
