/**
 * Turning a function into something a worker can run ({@link FnRef}). A function value cannot
 * be copied to another thread or process, so there are three ways across:
 *
 *   library task (sqrt, sleep, …)  → its name; the worker imports the same module
 *   built-in (Math.sqrt, parseInt) → its path on globalThis; the worker has the same built-ins
 *   anything else                  → its source text, compiled once per source in the worker
 *
 * A function sent by source keeps none of its closure, so it is checked *before* anything
 * runs: every name it uses must be defined inside it or be a worker global.
 */
import { findMissingNames, parseFunctionSource } from "./free-names.js";
import { UnshippableFunctionError } from "./errors.js";
import { taskNameOf } from "./tasks.js";
import type { FnRef } from "./wire.js";

// Per function object, so 100,000 tasks of the same function cost one lookup each.
const refs = new WeakMap<object, FnRef>();
// Per name and source text, so re-running a notebook cell (a new function object, same text) is not re-parsed.
const bySource = new Map<string, FnRef | UnshippableFunctionError>();
const MAX_SOURCES = 1000;

let builtins: Map<unknown, string> | undefined;

// Built-ins reachable by a short path. Built lazily: most runs never need it.
function builtinPaths(): Map<unknown, string> {
  if (builtins === undefined) {
    builtins = new Map();
    for (const name of ["parseInt", "parseFloat", "isNaN", "isFinite", "encodeURIComponent", "decodeURIComponent",
      "encodeURI", "decodeURI", "String", "Number", "Boolean", "BigInt", "structuredClone"] as const) {
      builtins.set((globalThis as Record<string, unknown>)[name], name);
    }
    for (const [rootName, root] of [["Math", Math], ["JSON", JSON], ["Number", Number], ["Object", Object],
      ["Array", Array], ["String", String]] as const) {
      for (const key of Object.getOwnPropertyNames(root)) {
        const value = (root as unknown as Record<string, unknown>)[key];
        if (typeof value === "function" && !builtins.has(value)) builtins.set(value, `${rootName}.${key}`);
      }
    }
  }
  return builtins;
}

/**
 * How `fn` reaches a worker.
 * @throws UnshippableFunctionError when it cannot run there (see the class for why).
 */
export function toFnRef(fn: (...args: never[]) => unknown): FnRef {
  const cached = refs.get(fn);
  if (cached !== undefined) return cached;
  const ref = computeRef(fn);
  refs.set(fn, ref);
  return ref;
}

function computeRef(fn: (...args: never[]) => unknown): FnRef {
  const task = taskNameOf(fn);
  if (task !== undefined) return { kind: "task", name: task };
  const path = builtinPaths().get(fn);
  if (path !== undefined) return { kind: "global", path };

  const source = Function.prototype.toString.call(fn);
  // The name is part of the key: `const f = (x) => …` has the name `f` but not in its text.
  const key = `${fn.name}\0${source}`;
  let known = bySource.get(key);
  if (known === undefined) {
    known = analyseSource(fn.name, source);
    if (bySource.size >= MAX_SOURCES) bySource.clear();
    bySource.set(key, known);
  }
  if (known instanceof UnshippableFunctionError) throw known;
  return known;
}

function analyseSource(name: string, source: string): FnRef | UnshippableFunctionError {
  const label = name ? `\`${name}\`` : "this function";
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    return new UnshippableFunctionError(name,
      `Cannot run ${label} in a worker: it is a built-in or bound function, which has no source to send. ` +
      "Wrap the call in a function of your own, e.g. delayed((x) => f(x))(x), with f defined inside it.");
  }
  const parsed = parseFunctionSource(source);
  if (parsed === undefined) {
    return new UnshippableFunctionError(name, `Cannot run ${label} in a worker: its source could not be parsed as a function.`);
  }
  if (parsed.isClass) {
    return new UnshippableFunctionError(name, `Cannot run ${label} in a worker: it is a class; pass a function instead.`);
  }
  const missing = findMissingNames(parsed.program);
  if (missing.length > 0) return UnshippableFunctionError.forMissingNames(name, missing);
  return { kind: "source", source: parsed.expression, name };
}
