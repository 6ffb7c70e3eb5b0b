// The notebook runner must fail every way a notebook can break in class; each fixture
// notebook in test/fixtures/notebooks breaks in one way.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, copyFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const python = ".venv/bin/python";
const fixtures = "test/fixtures/notebooks";

function run(script: string, ...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(python, [script, ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, out: stdout + stderr });
    });
  });
}

const runner = (nb: string) => run("test/notebooks/run_notebooks.py", join(fixtures, nb));

test("a clean notebook passes the runner", async () => {
  const { code, out } = await runner("ok.ipynb");
  assert.equal(code, 0, out);
  assert.match(out, /PASS ok\s+cells 2\/2/);
  assert.match(out, /notebooks: 1 passed, 0 failed/);
});

test("a TypeScript type error fails the runner and names the diagnostic", async () => {
  const { code, out } = await runner("type-error.ipynb");
  assert.equal(code, 1, out);
  assert.match(out, /FAIL type-error/);
  assert.match(out, /Type 'string' is not assignable to type 'number'/);
});

test("a thrown error fails the runner", async () => {
  const { code, out } = await runner("thrown-error.ipynb");
  assert.equal(code, 1, out);
  assert.match(out, /thrown-error cell 1: the kernel replied 'error'/);
  assert.match(out, /a thrown error/);
});

test("an unhandled rejection from a timer fails the runner even after the last cell", async () => {
  const { code, out } = await runner("timer-rejection.ipynb");
  assert.equal(code, 1, out);
  assert.match(out, /UnhandledPromiseRejection: Error: late rejection/);
});

test("the clean check rejects a notebook saved with outputs and --fix strips them", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nbclean-"));
  try {
    const path = join(dir, "dirty.ipynb");
    copyFileSync(join(fixtures, "ok.ipynb"), path);
    const nb = JSON.parse(readFileSync(path, "utf8")) as { cells: Array<Record<string, unknown>> };
    const cell = nb.cells.find((c) => c.cell_type === "code")!;
    cell.execution_count = 3;
    cell.outputs = [{ output_type: "stream", name: "stdout", text: "answer 42\n" }];
    const { writeFileSync } = await import("node:fs");
    writeFileSync(path, JSON.stringify(nb));
    const dirty = await run("test/notebooks/check_clean.py", path);
    assert.equal(dirty.code, 1, dirty.out);
    assert.match(dirty.out, /cell 1 has 1 output/);
    assert.match(dirty.out, /execution_count 3/);
    const fixed = await run("test/notebooks/check_clean.py", path, "--fix");
    assert.equal(fixed.code, 0, fixed.out);
    const after = JSON.parse(readFileSync(path, "utf8")) as { cells: Array<Record<string, unknown>> };
    assert.deepEqual(after.cells.filter((c) => c.cell_type === "code").map((c) => [c.outputs, c.execution_count]), [[[], null], [[], null]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("run twice in one kernel, a notebook that opens a socket on every run fails as a leak", async () => {
  const { code, out } = await run("test/notebooks/run_notebooks.py", join(fixtures, "leaky.ipynb"), "--twice");
  assert.equal(code, 1, out);
  assert.match(out, /the second run added listening: (\d+) after the first run, (\d+) after the second/);
});

test("run twice in one kernel, a clean notebook passes with the same resources after each run", async () => {
  const { code, out } = await run("test/notebooks/run_notebooks.py", join(fixtures, "ok.ipynb"), "--twice");
  assert.equal(code, 0, out);
  const m = /resources (\{.*?\}) → (\{.*?\})/.exec(out);
  assert.ok(m, out);
  assert.deepEqual(JSON.parse(m[1]!), JSON.parse(m[2]!));
});

/** Stream text of every code cell of an executed notebook, in order. */
function outputsOf(path: string): string[] {
  const nb = JSON.parse(readFileSync(path, "utf8")) as { cells: Array<{ cell_type: string; outputs?: Array<{ text?: string | string[] }> }> };
  return nb.cells.filter((c) => c.cell_type === "code").map((c) => (c.outputs ?? []).map((o) => [o.text ?? ""].flat().join("")).join(""));
}

test("by default the runner is strict: a timing claim that misses fails the notebook", async () => {
  const { code, out } = await runner("claim-timing-miss.ipynb");
  assert.equal(code, 1, out);
  assert.match(out, /mode: strict/);
  assert.match(out, /claim-timing-miss cell 1: the kernel replied 'error'/);
  assert.match(out, /ClaimError: ✘ speed-up that cannot happen: 1\.00× \(expected ≥ 2\.00×\)/);
});

test("with --class-mode a timing claim that misses prints ✘ and the notebook goes on", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nbclass-"));
  try {
    const { code, out } = await run("test/notebooks/run_notebooks.py", join(fixtures, "claim-timing-miss.ipynb"), "--class-mode", "--output", dir);
    assert.equal(code, 0, out);
    assert.match(out, /mode: class/);
    assert.match(out, /PASS claim-timing-miss\s+cells 2\/2/);
    const [claimCell, next] = outputsOf(join(dir, "claim-timing-miss.ipynb"));
    assert.match(claimCell ?? "", /^✘ speed-up that cannot happen: 1\.00× \(expected ≥ 2\.00×\) — .*The lesson goes on\.\n$/);
    assert.equal(next, "the lesson goes on\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const mode of [[], ["--class-mode"]]) {
  test(`a failing correctness check fails the runner${mode.length ? " in class mode too" : " in strict mode"}`, async () => {
    const { code, out } = await run("test/notebooks/run_notebooks.py", join(fixtures, "claim-wrong-result.ipynb"), ...mode);
    assert.equal(code, 1, out);
    assert.match(out, /claim-wrong-result cell 1: the kernel replied 'error'/);
    assert.match(out, /ClaimError: ✘ visits: expected 1000, got 999/);
  });
}

test("with --busy a CPU hog burns a core for the whole run, is reported and is killed at the end", async () => {
  const { code, out } = await run("test/notebooks/run_notebooks.py", join(fixtures, "ok.ipynb"), "--class-mode", "--busy");
  assert.equal(code, 0, out);
  const m = /CPU hog \(pid (\d+)\) burnt ([\d.]+) s of CPU in ([\d.]+) s = ([\d.]+) core\(s\)/.exec(out);
  assert.ok(m, out);
  assert.ok(Number(m[4]) >= 0.5, `expected the hog to keep at least half a core busy, got ${m[4]}`);
  assert.throws(() => process.kill(Number(m[1]), 0), { code: "ESRCH" }, "the hog is still running after the runner exited");
});

test("with --busy the hog is killed even when a notebook fails", async () => {
  const { code, out } = await run("test/notebooks/run_notebooks.py", join(fixtures, "thrown-error.ipynb"), "--busy");
  assert.equal(code, 1, out);
  const m = /CPU hog \(pid (\d+)\)/.exec(out);
  assert.ok(m, out);
  assert.throws(() => process.kill(Number(m[1]), 0), { code: "ESRCH" });
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  test(`with --busy the hog is killed when the runner is stopped with ${signal}`, async () => {
    const child = spawn(python, ["test/notebooks/run_notebooks.py", join(fixtures, "ok.ipynb"), "--busy"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const hogPid = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no hog started within 30 s: ${out}`)), 30_000);
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /CPU hog started \(pid (\d+)\)/.exec(out);
        if (m) { clearTimeout(timer); resolve(Number(m[1])); }
      });
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(signal);
    await Promise.race([exited, new Promise((_, reject) => setTimeout(() => reject(new Error("the runner did not exit within 30 s")), 30_000).unref())]);
    assert.throws(() => process.kill(hogPid, 0), { code: "ESRCH" }, `the hog ${hogPid} outlived the runner`);
  });
}
