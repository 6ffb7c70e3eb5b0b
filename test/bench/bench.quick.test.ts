/**
 * The QUICK bench, end to end, so `make bench` cannot rot: it runs `make bench QUICK=1` (which
 * builds the bench venv, dist/ and the data if they are missing) and checks the *structure* of
 * results.json — every case, both sides, finite numbers — never a speed: the machine is shared.
 *
 *   make benchtest        (part of make test)
 */
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { defineCases } from "../../bench/cases.js";
import type { CaseResult, Results, SideResult } from "../../bench/report.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const OUT = join(ROOT, "build", "bench-quick");
const LIMIT_MS = 6 * 60_000; // a cold run builds the venv first; a warm one takes about a minute

interface Run {
  code: number | null;
  output: string;
  ms: number;
}

/** `make bench QUICK=1` in its own process group, stopped (SIGTERM, then SIGKILL) at the limit. */
function runQuickBench(): Promise<Run> {
  const start = Date.now();
  const child = spawn("make", ["--no-print-directory", "-C", ROOT, "bench", "QUICK=1", `BENCH_OUT=${OUT}`], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (output += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (output += c));
  const kill = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // gone
    }
  };
  const timer = setTimeout(() => {
    output += `\n[test] make bench QUICK=1 still running after ${LIMIT_MS / 1000} s: stopping it\n`;
    kill("SIGTERM");
    setTimeout(() => kill("SIGKILL"), 10_000).unref();
  }, LIMIT_MS);
  return new Promise((done) => {
    child.once("close", (code) => {
      clearTimeout(timer);
      done({ code, output, ms: Date.now() - start });
    });
  });
}

function assertSide(c: CaseResult, side: SideResult, which: string): void {
  const where = `${c.id} (${which}: ${side.label})`;
  assert.equal(side.error, undefined, `${where} failed: ${String(side.error)}`);
  assert.ok(side.samples.length >= 1, `${where} has no samples`);
  for (const x of side.samples) assert.ok(Number.isFinite(x) && x > 0, `${where} has a sample that is not a positive number: ${x}`);
  for (const key of ["median", "min", "max"] as const) {
    const value = side[key];
    assert.ok(typeof value === "number" && Number.isFinite(value) && value > 0, `${where}.${key} is ${String(value)}`);
  }
  assert.ok((side.min as number) <= (side.median as number) && (side.median as number) <= (side.max as number), `${where}: min ≤ median ≤ max`);
  if (c.ideal === null) assert.equal(side.efficiency, null, `${where}: an efficiency without an ideal`);
  else assert.ok(typeof side.efficiency === "number" && Number.isFinite(side.efficiency) && side.efficiency > 0, `${where}.efficiency is ${String(side.efficiency)}`);
}

test("make bench QUICK=1 runs every case on both sides and writes results.json and RESULTS.md", { timeout: LIMIT_MS + 30_000 }, async () => {
  rmSync(OUT, { recursive: true, force: true });
  const run = await runQuickBench();
  assert.equal(run.code, 0, `make bench QUICK=1 exited with ${String(run.code)} after ${(run.ms / 1000).toFixed(0)} s; its output ends:\n${run.output.slice(-4000)}`);
  console.log(`# make bench QUICK=1 took ${(run.ms / 1000).toFixed(0)} s`);

  const results = JSON.parse(readFileSync(join(OUT, "results.json"), "utf8")) as Results;
  assert.equal(results.schema, 1);
  assert.equal(results.quick, true, "the QUICK run says it is QUICK");
  assert.ok(Number.isFinite(results.seconds) && results.seconds > 0);
  assert.match(String(results.servers.course), /^http:\/\/127\.0\.0\.1:\d+/, "the course server ran on loopback");
  assert.match(String(results.servers.gunicorn), /^http:\/\/127\.0\.0\.1:\d+/, "gunicorn ran on loopback");

  const expected = defineCases({ quick: true, cores: availableParallelism(), csv: "" });
  assert.deepEqual(
    results.cases.map((c) => c.id),
    expected.map((s) => s.id),
    "every case is present, in order",
  );
  for (const [i, c] of results.cases.entries()) {
    const spec = expected[i];
    assert.ok(spec !== undefined);
    assertSide(c, c.python, "python");
    assertSide(c, c.typescript, "typescript");
    assert.ok(typeof c.ratio === "number" && Number.isFinite(c.ratio) && c.ratio > 0, `${c.id}.ratio is ${String(c.ratio)}`);
    if (spec.target === undefined) assert.equal(c.target, null, `${c.id} has no target`);
    else assert.equal(typeof c.target?.met, "boolean", `${c.id}'s target is judged`);
  }
  assert.ok(!JSON.stringify(results).includes("NaN"), "no NaN anywhere");

  const markdown = readFileSync(join(OUT, "RESULTS.md"), "utf8");
  for (const c of results.cases) assert.ok(markdown.includes(c.title), `RESULTS.md shows ${c.id}`);
  assert.match(markdown, /QUICK/, "RESULTS.md says it was a QUICK run");
});

test("the QUICK bench leaves neither gunicorn nor the course server running", () => {
  const file = join(OUT, "results.json");
  assert.ok(existsSync(file), `Expected ${file} from the previous test`);
  const results = JSON.parse(readFileSync(file, "utf8")) as Results;
  const gunicornPort = /:(\d+)/.exec(String(results.servers.gunicorn))?.[1];
  const coursePort = /:(\d+)/.exec(String(results.servers.course))?.[1];
  assert.ok(gunicornPort !== undefined && coursePort !== undefined);
  const ps = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  const leftovers = ps.split("\n").filter((line) => line.includes(`127.0.0.1:${gunicornPort}`));
  assert.deepEqual(leftovers, [], "gunicorn (and its workers) stopped");
  // The course server is gone: its port refuses connections.
  const probe = execFileSync(process.execPath, ["-e", `require("net").connect(${coursePort}, "127.0.0.1").on("connect", () => { console.log("open"); process.exit(0) }).on("error", () => { console.log("closed"); process.exit(0) })`], { encoding: "utf8" });
  assert.equal(probe.trim(), "closed", `the course server still listens on ${coursePort}`);
});
