/**
 * The worker side of a batch: resolve each function once, run the calls one after another
 * (as joblib's `BatchedCalls` does), and stop at the first error. Shared by the thread worker
 * (piscina) and the child-process worker.
 */
import { TASKS } from "./tasks.js";
import { serializeError, type BatchOutcome, type FnRef, type WireBatch } from "./wire.js";
import { isThenable } from "../internal/thenable.js";

type Callable = (...args: unknown[]) => unknown;

// Compiled once per source text per worker: a notebook sends the same function with every batch.
const compiled = new Map<string, Callable>();
const MAX_COMPILED = 500;

// Code compiled by esbuild (tsx, vitest) calls `__name(fn, "name")` to keep function names;
// a function shipped from such code needs the helper next to it.
const ESBUILD_NAME_HELPER = `const __name = (target, value) => Object.defineProperty(target, "name", { value, configurable: true });`;

/** The function a {@link FnRef} names, in this worker. */
export function resolveFn(ref: FnRef): Callable {
  switch (ref.kind) {
    case "task": {
      const fn = TASKS.get(ref.name);
      if (fn === undefined) throw new Error(`Unknown library task "${ref.name}" (is the worker from another version of concurrency-lab?)`);
      return fn as Callable;
    }
    case "global": {
      let value: unknown = globalThis;
      for (const part of ref.path.split(".")) value = (value as Record<string, unknown> | undefined)?.[part];
      if (typeof value !== "function") throw new Error(`No built-in function ${ref.path} in this worker`);
      return value as Callable;
    }
    case "source": {
      let fn = compiled.get(ref.source);
      if (fn === undefined) {
        // Compiled by Function in the global scope, in strict mode (as modules are). The source was
        // checked in the calling thread, so every free name it has is a global of this worker.
        fn = new Function(`"use strict";\n${ESBUILD_NAME_HELPER}\nreturn ${ref.source};`)() as Callable;
        if (compiled.size >= MAX_COMPILED) compiled.clear();
        compiled.set(ref.source, fn);
      }
      return fn;
    }
  }
}

/** Run every call of `batch` in order; the first error ends the batch. */
export async function runBatch(batch: WireBatch): Promise<BatchOutcome> {
  const count = batch.args.length;
  let fns: Callable[];
  try {
    fns = batch.fns.map(resolveFn);
  } catch (error) {
    return { ok: false, at: 0, error: serializeError(error) };
  }
  const values = new Array<unknown>(count);
  const only = fns[0] as Callable;
  for (let i = 0; i < count; i++) {
    try {
      const fn = batch.which === null ? only : (fns[batch.which[i] as number] as Callable);
      const args = batch.args[i];
      let value = batch.unary ? fn(args) : fn(...(args as unknown[]));
      if (isThenable(value)) value = await value;
      if (typeof value === "function" || typeof value === "symbol") {
        throw new TypeError(`The task returned a ${typeof value}, which cannot be sent back from a worker`);
      }
      values[i] = value;
    } catch (error) {
      return { ok: false, at: i, error: serializeError(error) };
    }
  }
  return { ok: true, values };
}
