import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as wait } from "node:timers/promises";
import { Parallel, closePools, delayed, listPools, sqrt } from "../../src/parallel/index.js";

const linux = existsSync("/proc/self/task");
const REPO = fileURLToPath(new URL("../../", import.meta.url));
const ENTRY = fileURLToPath(new URL("../../src/parallel/index.ts", import.meta.url));

test.after(() => closePools());

function threadCount(): number {
  return readdirSync("/proc/self/task").length;
}

function childPids(pid = process.pid): number[] {
  const pids: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const text = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
    if (text) pids.push(...text.split(/\s+/).map(Number));
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, tries = 50, everyMs = 100): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (condition()) return true;
    await wait(everyMs);
  }
  return condition();
}

const items = () => Array.from({ length: 50 }, (_, i) => delayed(sqrt)(i));

test("twenty re-runs of a threaded call leave the thread count unchanged", { skip: !linux }, async () => {
  await Parallel({ nJobs: 2 })(items());
  const before = threadCount();
  for (let run = 0; run < 20; run++) await Parallel({ nJobs: 2 })(items());
  assert.equal(threadCount(), before);
});

test("twenty re-runs of a processes call leave the child processes unchanged", { skip: !linux }, async () => {
  await Parallel({ nJobs: 2, prefer: "processes" })(items());
  const before = childPids().sort();
  for (let run = 0; run < 20; run++) await Parallel({ nJobs: 2, prefer: "processes" })(items());
  assert.deepEqual(childPids().sort(), before);
});

test("a second copy of the module reuses the pools of the first", { skip: !linux }, async () => {
  await Parallel({ nJobs: 2 })(items());
  await Parallel({ nJobs: 2, prefer: "processes" })(items());
  const threads = threadCount();
  const children = childPids().sort();
  // A different URL is a different module instance, as when the library is loaded twice.
  const copy = (await import(`${new URL("../../src/parallel/index.ts", import.meta.url).href}?copy=1`)) as typeof import("../../src/parallel/index.js");
  await copy.Parallel({ nJobs: 2 })(items());
  await copy.Parallel({ nJobs: 2, prefer: "processes" })(items());
  assert.equal(threadCount(), threads);
  assert.deepEqual(childPids().sort(), children);
});

test("one pool per configuration: a pool of 2 and a pool of 3 are kept apart", async () => {
  await closePools();
  await Parallel({ nJobs: 2 })(items());
  await Parallel({ nJobs: 3 })(items());
  await Parallel({ nJobs: 2 })(items());
  assert.deepEqual(listPools().map((p) => `${p.kind}:${p.size}:${p.workerIds.length}`).sort(), ["threads:2:2", "threads:3:3"]);
});

test("closePools stops every child process", { skip: !linux }, async () => {
  await Parallel({ nJobs: 2, prefer: "processes" })(items());
  const pids = listPools().filter((p) => p.kind === "processes").flatMap((p) => p.workerIds);
  assert.equal(pids.length, 2);
  await closePools();
  assert.deepEqual(listPools(), []);
  assert.ok(await waitUntil(() => pids.every((pid) => !alive(pid))), "child processes still alive after closePools");
});

function runScript(source: string): { child: ReturnType<typeof spawn>; lines: string[]; done: Promise<number | null>; firstLine: Promise<string> } {
  const dir = mkdtempSync(join(tmpdir(), "parallel-test-"));
  const file = join(dir, "script.mts");
  writeFileSync(file, source);
  const child = spawn(process.execPath, ["--import", "tsx", file], { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] });
  const lines: string[] = [];
  let resolveFirst: (line: string) => void = () => undefined;
  const firstLine = new Promise<string>((resolve) => { resolveFirst = resolve; });
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    lines.push(...chunk.split("\n").filter(Boolean));
    if (lines.length > 0) resolveFirst(lines[0] as string);
  });
  const done = new Promise<number | null>((resolve) => child.on("exit", (code) => { rmSync(dir, { recursive: true, force: true }); resolve(code); }));
  return { child, lines, done, firstLine };
}

test("a script that used both pools exits by itself: idle workers do not keep Node alive", async () => {
  const { done, child } = runScript(`
    import { Parallel, delayed, sqrt } from ${JSON.stringify(ENTRY)};
    const a = await Parallel({ nJobs: 2 })([delayed(sqrt)(4)]);
    const b = await Parallel({ nJobs: 2, prefer: "processes" })([delayed(sqrt)(9)]);
    console.log(JSON.stringify([a, b]));
  `);
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const code = await done;
  clearTimeout(timer);
  assert.equal(code, 0, "the script did not exit by itself (killed after 20 s)");
});

test("a script whose only pending work is a processes scope starting up waits for it", async () => {
  // While ready() is awaited, nothing but the starting children keeps Node alive.
  const { done, child, lines } = runScript(`
    import { Parallel, delayed, sqrt, closePools } from ${JSON.stringify(ENTRY)};
    const out = await Parallel({ nJobs: 2, prefer: "processes" }).scope((parallel) => parallel([delayed(sqrt)(16)]));
    console.log(JSON.stringify(out));
    await closePools();
  `);
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const code = await done;
  clearTimeout(timer);
  assert.equal(code, 0, `the script exited with ${code} (13 = a top-level await that never settled)`);
  assert.deepEqual(lines, ["[4]"]);
});

test("child processes exit when their parent is killed with SIGKILL", { skip: !linux }, async () => {
  const { child, firstLine, done } = runScript(`
    import { Parallel, delayed, sqrt, listPools } from ${JSON.stringify(ENTRY)};
    await Parallel({ nJobs: 2, prefer: "processes" })([delayed(sqrt)(4)]);
    console.log(JSON.stringify(listPools()[0].workerIds));
    setInterval(() => {}, 1000); // stay alive until killed
  `);
  const pids = JSON.parse(await firstLine) as number[];
  assert.equal(pids.length, 2);
  assert.ok(pids.every(alive));
  child.kill("SIGKILL");
  await done;
  assert.ok(await waitUntil(() => pids.every((pid) => !alive(pid))), `orphaned worker processes: ${pids.filter(alive).join(", ")}`);
});

test("a child process that dies is replaced and the pool keeps working", { skip: !linux }, async () => {
  await Parallel({ nJobs: 2, prefer: "processes" })(items());
  const [victim] = listPools().find((p) => p.kind === "processes")?.workerIds ?? [];
  assert.ok(victim);
  process.kill(victim, "SIGKILL");
  assert.ok(await waitUntil(() => {
    const pool = listPools().find((p) => p.kind === "processes");
    return pool !== undefined && pool.workerIds.length === 2 && !pool.workerIds.includes(victim);
  }), "no replacement child appeared");
  assert.deepEqual(await Parallel({ nJobs: 2, prefer: "processes" })([delayed(sqrt)(81)]), [9]);
});
