// A copied course folder keeps working: the whole folder (set up, minus build/) is copied with
// `cp -a` to a temporary place, `make setup` runs there, and a chart is drawn by the copy's kernel.
// Without the rebuild, the copy's kernel would start the original's tslab while the library loads
// the copy's, and the chart cell would fail with tslab's "Error: Not ready".
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
// What a teacher hands on is the course folder as set up; not build output, not git's files,
// not the Node.js versions make matrix downloads.
const LEFT_OUT = new Set(["build", ".git", ".node-matrix"]);

function run(command: string, args: string[], cwd: string, timeoutMs: number): { status: number | null; out: string } {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", timeout: timeoutMs, env: { ...process.env, MAKEFLAGS: "" } });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

test("a copy of the set-up course rebuilds what named the original, says so once, and draws a chart", { timeout: 900_000 }, () => {
  assert.ok(existsSync(join(REPO, ".venv", "share", "jupyter", "kernels", "tslab", "kernel.json")), "run make setup first");
  const parent = mkdtempSync(join(tmpdir(), "cl-moved-"));
  const copy = join(parent, "course copy");
  try {
    mkdirSync(copy);
    const entries = readdirSync(REPO).filter((name) => !LEFT_OUT.has(name)).map((name) => join(REPO, name));
    const cp = run("cp", ["-a", ...entries, copy], REPO, 120_000);
    assert.equal(cp.status, 0, cp.out);

    const setup = run("make", ["setup"], copy, 600_000);
    assert.equal(setup.status, 0, setup.out);
    const said = setup.out.split("\n").filter((line) => line.includes("was copied or moved"));
    assert.equal(said.length, 1, setup.out);
    assert.ok(said[0]?.includes(`belongs to ${REPO}, not ${copy}`), said[0]);

    // The environment and the kernelspec now point inside the copy.
    // (pip writes `#!<python>`, or a `/bin/sh` line then `exec "<python>"` when the path has a space.)
    const head = readFileSync(join(copy, ".venv", "bin", "jupyter"), "utf8").split("\n").slice(0, 3).join("\n");
    assert.ok(head.includes(`${copy}/.venv/bin/python`), head);
    const spec = JSON.parse(readFileSync(join(copy, ".venv", "share", "jupyter", "kernels", "tslab", "kernel.json"), "utf8")) as { argv: string[] };
    assert.equal(spec.argv[1], join(copy, "node_modules", "tslab", "bin", "tslab"));

    // A second make says nothing: the rebuilt set-up belongs here.
    const again = run("make", ["setup"], copy, 120_000);
    assert.equal(again.status, 0, again.out);
    assert.doesNotMatch(again.out, /was copied or moved/);

    // The copy's kernel, library and display draw a chart.
    const outDir = join(parent, "out");
    const nb = run(join(copy, ".venv", "bin", "python"), ["test/notebooks/run_notebooks.py", "test/fixtures/kernel/chart.ipynb", "--output", outDir], copy, 300_000);
    assert.equal(nb.status, 0, nb.out);
    const executed = JSON.parse(readFileSync(join(outDir, "chart.ipynb"), "utf8")) as { cells: { outputs?: { text?: string | string[]; data?: Record<string, unknown> }[] }[] };
    const outputs = executed.cells.flatMap((cell) => cell.outputs ?? []);
    const text = outputs.map((o) => (Array.isArray(o.text) ? o.text.join("") : o.text ?? "")).join("");
    assert.ok(text.includes(`library ${copy}/dist/index.js`), text);
    assert.ok(outputs.some((o) => o.data?.["image/svg+xml"] !== undefined), "no SVG chart in the output");
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});
