import { test } from "node:test";
import assert from "node:assert/strict";
import { Parallel, UnshippableFunctionError, closePools, delayed, listPools, sqrt } from "../../src/parallel/index.js";
import { WORKER_GLOBALS, findMissingNames, parseFunctionSource } from "../../src/parallel/free-names.js";
import { toFnRef } from "../../src/parallel/shipping.js";

test.after(() => closePools());

function missing(source: string): string[] {
  const parsed = parseFunctionSource(source);
  assert.ok(parsed, `could not parse ${source}`);
  return findMissingNames(parsed.program).map((m) => m.name);
}

test("a free name in an arrow function is reported", () => {
  assert.deepEqual(missing("(x) => x * rate"), ["rate"]);
});

test("globals such as Math, JSON and Number resolve by name", () => {
  assert.deepEqual(missing("(x) => Math.sqrt(x) + JSON.stringify([x]).length + Number.parseFloat('1') + Infinity"), []);
});

test("parameters, destructuring, inner declarations and hoisted functions are defined inside", () => {
  const source = `function f({ a, b: [c] }, ...rest) {
    const t = a + c; let u = rest.length; for (const k of rest) u += k;
    return helper(t + u);
    function helper(v) { try { return v; } catch (e) { return e; } }
  }`;
  assert.deepEqual(missing(source), []);
});

test("a function expression may call itself by its own name", () => {
  assert.deepEqual(missing("function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }"), []);
});

test("tslab's exports.name for an earlier cell's name is reported as that name", () => {
  assert.deepEqual(missing("(x) => x * exports.rate + exports.helper(x) + Math.sqrt(x)"), ["rate", "helper"]);
});

test("a compiled import such as (0, concurrency_lab_1.timeIt) is reported as the imported name", () => {
  const found = findMissingNames((parseFunctionSource("(x) => (0, concurrency_lab_1.timeIt)(() => x)"))!.program);
  assert.deepEqual(found, [{ name: "timeIt", origin: "import" }]);
});

test("CommonJS names such as require are not available in a worker", () => {
  assert.deepEqual(missing("(p) => require('fs').readFileSync(p)"), ["require"]);
});

test("a method written with the shorthand syntax parses", () => {
  const obj = { twice(x: number) { return x * 2; } };
  assert.equal(toFnRef(obj.twice).kind, "source");
});

test("the missing-name error names the name and says what to do", () => {
  const rate = 2;
  const scale = (x: number) => x * rate;
  assert.throws(() => toFnRef(scale), {
    name: "UnshippableFunctionError",
    message: /^Cannot run `scale` in a worker: it uses `rate`, which is defined outside the function; pass it as an argument or define it inside\./,
  });
});

test("the missing-name error is a TypeError listing every missing name", () => {
  const a = 1, b = 2;
  try {
    toFnRef((x: number) => x + a + b);
    assert.fail("expected an error");
  } catch (error) {
    assert.ok(error instanceof TypeError);
    assert.ok(error instanceof UnshippableFunctionError);
    assert.deepEqual(error.missing, ["a", "b"]);
    assert.match(error.message, /uses `a` and `b`, which are defined outside the function; pass them as arguments/);
  }
});

test("an arrow that calls itself through its const name gets a hint to use a function declaration", () => {
  const countdown = (n: number): number => (n <= 0 ? 0 : countdown(n - 1));
  assert.throws(() => toFnRef(countdown), /write it as `function countdown\(…\) \{ … \}`/);
});

test("a bound function cannot be shipped, and the error says why", () => {
  assert.throws(() => toFnRef(((x: number) => x).bind(null)), /built-in or bound function, which has no source to send/);
});

test("a class cannot be shipped", () => {
  class Point {}
  assert.throws(() => toFnRef(Point as never), /it is a class/);
});

test("library tasks travel by name and Math built-ins by path", () => {
  assert.deepEqual(toFnRef(sqrt), { kind: "task", name: "sqrt" });
  assert.deepEqual(toFnRef(Math.sqrt), { kind: "global", path: "Math.sqrt" });
});

test("a run with an unshippable function rejects before any worker starts", async () => {
  const offset = 10;
  const before = listPools().length;
  await assert.rejects(Parallel({ nJobs: 3 })([delayed((x: number) => x + offset)(1)]), /uses `offset`/);
  assert.equal(listPools().length, before);
});

test("with nJobs 1 a closure runs in the calling thread, as with joblib's sequential backend", async () => {
  const offset = 10;
  assert.deepEqual(await Parallel({ nJobs: 1 })([delayed((x: number) => x + offset)(1)]), [11]);
});

test("a self-contained function runs in worker threads and in child processes", async () => {
  function hypot(a: number, b: number): number {
    const square = (v: number) => v * v;
    return Math.sqrt(square(a) + square(b));
  }
  for (const prefer of ["threads", "processes"] as const) {
    assert.deepEqual(await Parallel({ nJobs: 2, prefer })([delayed(hypot)(3, 4), delayed(hypot)(5, 12)]), [5, 13]);
  }
});

test("a library task called inside a shipped function gets a hint to give it to delayed directly", () => {
  assert.throws(() => toFnRef(parseFunctionSourceFn("(x) => exports.sqrt(x) + 1")), /`sqrt` is a library task: give it to delayed directly, e.g. delayed\(sqrt\)\(x\)/);
});

// A function whose source is exactly `source`, as tslab's compiled cells produce it.
function parseFunctionSourceFn(source: string): (...args: never[]) => unknown {
  return new Function(`return ${source}`)() as (...args: never[]) => unknown;
}

test("the worker globals are exactly what a worker thread of this Node has", async () => {
  const { Worker } = await import("node:worker_threads");
  // An eval'd worker script runs in a CommonJS wrapper, whose names a shipped function never gets.
  const wrapper = new Set(["require", "module", "exports", "__dirname", "__filename"]);
  const worker = new Worker("require('node:worker_threads').parentPort.postMessage(Object.getOwnPropertyNames(globalThis))", { eval: true });
  try {
    const names = (await new Promise<string[]>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    })).filter((n) => !wrapper.has(n));
    assert.deepEqual(names.filter((n) => !WORKER_GLOBALS.has(n)), [], `unknown to WORKER_GLOBALS on Node ${process.version}`);
    const extra = [...WORKER_GLOBALS].filter((n) => n !== "__name" && !names.includes(n));
    assert.deepEqual(extra, [], `not globals of a worker on Node ${process.version}`);
  } finally {
    await worker.terminate();
  }
});
