// Workers get only the flags they need, never the parent's. A worker thread rejects per-process
// flags (ERR_WORKER_INVALID_EXEC_ARGV), and Node 24+ hands a `node --test` file a whole list of
// them; a child process should not inherit a test runner's or an inspector's flags either.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const ENTRY = fileURLToPath(new URL("../../src/parallel/index.ts", import.meta.url));

// Per-process options: node accepts them, a Worker given them in execArgv refuses to start.
const PER_PROCESS_FLAGS = ["--v8-pool-size=4", "--use-largepages=off", "--secure-heap=0"];

/**
 * Runs `script` (an ES module body, written to a temporary file) under `node <flags> --import tsx`;
 * resolves with its exit code and output. A file, not `-e`: a child given the parent's execArgv
 * would otherwise run the script again.
 */
function runWithFlags(flags: string[], script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), "cl-exec-argv-"));
  const file = join(dir, "probe.mjs");
  writeFileSync(file, script);
  const child = spawn(process.execPath, [...flags, "--import", "tsx", file], {
    cwd: REPO,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => { stdout += chunk; });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => { stderr += chunk; });
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return new Promise((resolve) => child.on("exit", (code) => {
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
    resolve({ code, stdout, stderr });
  }));
}

const probe = (prefer: "threads" | "processes") => `
  import { Parallel, closePools, delayed, sqrt } from ${JSON.stringify(ENTRY)};
  const roots = await Parallel({ nJobs: 2, prefer: ${JSON.stringify(prefer)} })([delayed(sqrt)(9), delayed(sqrt)(16)]);
  console.log(JSON.stringify(roots));
  await closePools();
`;

test("a thread pool starts in a process launched with per-process flags a worker rejects", async () => {
  const run = await runWithFlags(PER_PROCESS_FLAGS, probe("threads"));
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout.trim()), [3, 4]);
  assert.doesNotMatch(run.stderr, /ERR_WORKER_INVALID_EXEC_ARGV/);
});

test("a process pool starts in a process launched with per-process flags", async () => {
  const run = await runWithFlags(PER_PROCESS_FLAGS, probe("processes"));
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout.trim()), [3, 4]);
});

test("from source, a worker is given tsx's loader and none of the parent's flags", async () => {
  const run = await runWithFlags(PER_PROCESS_FLAGS, `
    import { workerEntry } from ${JSON.stringify(fileURLToPath(new URL("../../src/parallel/pool.ts", import.meta.url)))};
    console.log(JSON.stringify(workerEntry("thread-worker").execArgv));
  `);
  assert.equal(run.code, 0, run.stderr);
  const execArgv = JSON.parse(run.stdout.trim()) as string[];
  assert.equal(execArgv.length, 2, `execArgv: ${run.stdout}`);
  assert.equal(execArgv[0], "--import");
  assert.match(execArgv[1] ?? "", /^file:.*tsx/);
  for (const flag of PER_PROCESS_FLAGS) assert.ok(!execArgv.includes(flag), `${flag} was passed on`);
});

test("from the compiled library, a worker is given no flags at all", async () => {
  const run = await runWithFlags(PER_PROCESS_FLAGS, `
    import { workerEntry } from ${JSON.stringify(fileURLToPath(new URL("../../dist/parallel/pool.js", import.meta.url)))};
    console.log(JSON.stringify([workerEntry("thread-worker").execArgv, workerEntry("process-worker").execArgv]));
  `);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout.trim()), [[], []]);
});
