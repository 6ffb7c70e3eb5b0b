import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { claim, ClaimError, isStrict, machineLoad, setStrict } from "../../src/show/claim.js";

function captureLog<T>(fn: () => T): { value: T; lines: string[] } {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => { lines.push(args.join(" ")); };
  try {
    return { value: fn(), lines };
  } finally {
    console.log = original;
  }
}

afterEach(() => setStrict(undefined));

test("a timing claim that holds prints ✔ with the measured value and the bound", () => {
  setStrict(true);
  const { value, lines } = captureLog(() => claim.atLeast("2 workers vs 1", 1.84, 1.3, { unit: "×" }));
  assert.equal(value, undefined, "a claim returns nothing, so tslab prints no stray value under it");
  assert.deepEqual(lines, ["✔ 2 workers vs 1: 1.84× (expected ≥ 1.30×)"]);
});

test("in class mode a timing claim that misses prints ✘, the bound and a likely cause, and the lesson goes on", () => {
  setStrict(false);
  const { value, lines } = captureLog(() => claim.atMost("gap", 120, 50, { unit: " ms" }));
  assert.equal(value, undefined);
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? "", /^✘ gap: 120 ms \(expected ≤ 50.0 ms\) — .*load average \d+\.\d.* The lesson goes on\.$/);
});

test("in strict mode a timing claim that misses throws a ClaimError with the same explanation", () => {
  setStrict(true);
  assert.throws(() => claim.between("wall time", 5, 1.9, 3, { unit: " s" }), (e: unknown) =>
    e instanceof ClaimError && /✘ wall time: 5.00 s \(expected 1.90 s – 3.00 s\) — .*load average/.test(e.message));
});

test("strict mode follows CONCURRENCY_LAB_STRICT unless set in code", () => {
  const saved = process.env["CONCURRENCY_LAB_STRICT"];
  try {
    process.env["CONCURRENCY_LAB_STRICT"] = "1";
    assert.equal(isStrict(), true);
    process.env["CONCURRENCY_LAB_STRICT"] = "0";
    assert.equal(isStrict(), false);
    setStrict(true);
    assert.equal(isStrict(), true);
  } finally {
    if (saved === undefined) delete process.env["CONCURRENCY_LAB_STRICT"];
    else process.env["CONCURRENCY_LAB_STRICT"] = saved;
  }
});

test("correctness checks throw in class mode too", () => {
  setStrict(false);
  assert.throws(() => claim.equal("visits", 999, 1000), /✘ visits: expected 1000, got 999/);
  assert.throws(() => claim.ok("A before B", false, "B, A"), /✘ A before B — got B, A/);
  const { lines } = captureLog(() => { claim.equal("order", ["a", "b"], ["a", "b"]); claim.ok("fine", true); });
  assert.deepEqual(lines, ["✔ order: [ 'a', 'b' ]", "✔ fine"]);
});

test("a measured value that is not a number is an error, never a pass", () => {
  assert.throws(() => claim.atLeast("speed-up", Number.NaN, 1), /Expected measured of the claim "speed-up" to be a number, got NaN/);
  assert.throws(() => claim.between("x", 1, 3, 2), RangeError);
});

test("machineLoad reports the cores and a load average", () => {
  const load = machineLoad();
  assert.ok(load.cores >= 1);
  assert.ok(load.loadAverage >= 0);
  assert.equal(typeof load.busy, "boolean");
});

test("machineLoad sees a CPU-bound program started next to it as other work keeping a core busy", { skip: !existsSync("/proc/stat") && "needs /proc/stat (Linux)" }, async () => {
  const hog = spawn(process.execPath, ["-e", "for(;;){}"], { stdio: "ignore" });
  try {
    await new Promise<void>((resolve, reject) => { hog.once("spawn", resolve); hog.once("error", reject); });
    await new Promise((r) => setTimeout(r, 300)); // let it start burning
    const load = machineLoad();
    assert.ok(load.busyCores >= 0.5 && load.busyCores <= load.cores, `expected the hog's core in busyCores, got ${load.busyCores}`);
    assert.equal(load.busy, true);
  } finally {
    hog.kill("SIGKILL");
  }
});

test("machineLoad does not count this process's own CPU as other work", { skip: !existsSync("/proc/stat") && "needs /proc/stat (Linux)" }, () => {
  // While machineLoad samples, this thread sleeps: its own CPU is excluded, and the value is a share of the cores.
  const load = machineLoad();
  assert.ok(load.busyCores >= 0 && load.busyCores <= load.cores, `got ${load.busyCores}`);
});

test("a timing claim that misses names the cores other programs keep busy", { skip: !existsSync("/proc/stat") && "needs /proc/stat (Linux)" }, () => {
  setStrict(false);
  const { lines } = captureLog(() => claim.atLeast("x", 1, 2));
  assert.match(lines[0] ?? "", /other programs keep \d+\.\d of \d+ core\(s\) busy, load average \d+\.\d/);
});

test("claim.equal prints a long array on one line", () => {
  const names = Array.from({ length: 10 }, (_, i) => `customer ${i + 1}`);
  const { lines } = captureLog(() => claim.equal("who held the lock", names, [...names]));
  assert.equal(lines.length, 1);
  assert.doesNotMatch(lines[0] ?? "", /\n/);
  assert.match(lines[0] ?? "", /^✔ who held the lock: \[ 'customer 1', 'customer 2', .* 'customer 10' \]$/);
});
