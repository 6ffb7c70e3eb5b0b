/**
 * `make bench`: the chapter's Python and the course's TypeScript, side by side, in one run,
 * against the same local server; prints a table and writes build/bench/results.json and
 * build/bench/RESULTS.md.
 *
 *   node --import tsx bench/run.ts [--quick] [--only id,id] [--python .venv-bench/bin/python] [--out build/bench]
 *   node --import tsx bench/run.ts --rerender [--out build/bench]   (tables again from results.json, after a change of wording)
 *
 *   run.ts ──startServer()──▶ course server (Node, loopback, one process)
 *     │──spawn──▶ gunicorn httpbin:app (only around the server comparison)
 *     └─ per case: python bench/py/cases.py CASE {json}  then  node bench/ts/cases.ts CASE {json}
 *                  each in its own process group, killed at its time limit; stderr → build/bench/logs/
 *
 * Every child is stopped at the end, on error and on Ctrl+C/SIGTERM too.
 */
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, platform, release } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { startServer, stopServer } from "../dist/index.js";
import { children, killLeftovers, startGunicorn, stopGroup } from "./processes.js";
import type { Gunicorn } from "./processes.js";
import { defineCases } from "./cases.js";
import type { CaseSpec, Side } from "./cases.js";
import { combine, fmt, fmtRatio, formatMarkdown, formatText, summarizeSide } from "./report.js";
import type { CaseResult, Results, SideResult } from "./report.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

interface Args {
  quick: boolean;
  only: string[] | undefined;
  python: string;
  out: string;
  rerender: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    quick: process.env.QUICK !== undefined && process.env.QUICK !== "" && process.env.QUICK !== "0",
    only: undefined,
    python: join(ROOT, ".venv-bench", "bin", "python"),
    out: join(ROOT, "build", "bench"),
    rerender: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`Expected a value after ${String(arg)}`);
      return v;
    };
    if (arg === "--quick") args.quick = true;
    else if (arg === "--only") args.only = value().split(",").filter((s) => s !== "");
    else if (arg === "--python") args.python = resolve(value());
    else if (arg === "--out") args.out = resolve(value());
    else if (arg === "--rerender") args.rerender = true;
    else throw new Error(`Expected --quick, --only ids, --python path, --out dir or --rerender, got ${JSON.stringify(arg)}`);
  }
  return args;
}

interface ChildOutcome {
  stdout: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
}

function runChild(command: string, args: readonly string[], timeoutS: number, logFile: string): Promise<ChildOutcome> {
  const log = createWriteStream(logFile);
  log.write(`$ ${command} ${args.map((a) => (/[\s{"]/.test(a) ? `'${a}'` : a)).join(" ")}\n`);
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, PYTHONUNBUFFERED: "1", FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so a time-out kills its workers too
  });
  children.add(child);
  let stdout = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    stdout += chunk;
    log.write(chunk);
  });
  child.stderr.pipe(log, { end: false });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopGroup(child);
  }, timeoutS * 1000);
  return new Promise((done) => {
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      children.delete(child);
      killLeftovers(child);
      log.end(`\n[exit ${signal ?? String(code)}${timedOut ? `, killed after ${timeoutS} s` : ""}]\n`);
      done({ stdout, code, signal, timedOut });
    };
    child.once("error", (error) => {
      log.write(`spawn error: ${error.message}\n`);
      finish(null, null);
    });
    child.once("close", finish);
  });
}

// Cases ------------------------------------------------------------------------------------

function commandFor(side: Side, python: string, params: Record<string, unknown>): [string, string[]] {
  const json = JSON.stringify(params);
  return side.runner === "python"
    ? [python, [join(ROOT, "bench", "py", "cases.py"), side.script, json]]
    : [process.execPath, ["--import", "tsx", join(ROOT, "bench", "ts", "cases.ts"), side.script, json]];
}

async function runSide(spec: CaseSpec, which: "python" | "typescript", python: string, urls: Record<string, string>, logDir: string): Promise<SideResult> {
  const side = spec[which];
  const params: Record<string, unknown> = { ...side.params };
  if (typeof params.url === "string") {
    const url = urls[params.url];
    if (url === undefined) throw new Error(`No server called ${params.url} for ${spec.id}`);
    params.url = url;
  }
  const [command, args] = commandFor(side, python, params);
  const logFile = join(logDir, `${spec.id}.${which}.log`);
  const start = performance.now();
  const outcome = await runChild(command, args, side.timeoutS, logFile);
  const seconds = (performance.now() - start) / 1000;
  const last = outcome.stdout.trim().split("\n").at(-1) ?? "";
  let parsed: { samples?: unknown; extra?: unknown } | undefined;
  try {
    parsed = JSON.parse(last) as { samples?: unknown; extra?: unknown };
  } catch {
    parsed = undefined;
  }
  const samples = Array.isArray(parsed?.samples) ? parsed.samples.filter((x): x is number => typeof x === "number") : [];
  const extra = typeof parsed?.extra === "object" && parsed.extra !== null ? (parsed.extra as Record<string, unknown>) : {};
  let error: string | undefined;
  if (outcome.timedOut) error = `killed after its ${side.timeoutS} s limit (log: ${logFile})`;
  else if (outcome.code !== 0) error = `exited with ${outcome.signal ?? String(outcome.code)} (log: ${logFile})`;
  else if (parsed === undefined) error = `printed no JSON result line (log: ${logFile})`;
  return summarizeSide(spec, which, samples, seconds, extra, error);
}

async function pythonInfo(python: string): Promise<Record<string, string>> {
  const code =
    "import json, platform; from importlib.metadata import version as v; " +
    "print(json.dumps({'python': platform.python_version(), **{p: v(p) for p in ['joblib','tqdm','tqdm-joblib','aiohttp','httpx','requests','gunicorn','httpbin']}}))";
  return new Promise((done) => {
    const child = spawn(python, ["-c", code], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("close", () => {
      clearTimeout(timer);
      try {
        done(JSON.parse(out) as Record<string, string>);
      } catch {
        done({ python: "unknown" });
      }
    });
  });
}

function load(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
}

function writeReport(report: Results, out: string): void {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "results.json"), JSON.stringify(report, null, 2) + "\n");
  writeFileSync(join(out, "RESULTS.md"), formatMarkdown(report));
  console.log("\n" + formatText(report));
  console.log(`\nwrote ${join(out, "results.json")} and RESULTS.md`);
}

/** Recompute ratios, targets and notes from the stored samples' summaries (no measuring). */
function rerender(out: string): number {
  const stored = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as Results;
  const specs = defineCases({ quick: stored.quick, cores: Number(stored.machine.cpus), csv: join(ROOT, "data", "diamonds.csv") });
  const cases = stored.cases.map((c) => {
    const spec = specs.find((s) => s.id === c.id);
    if (spec === undefined) throw new Error(`No case ${c.id} in bench/cases.ts any more`);
    const side = (which: "python" | "typescript"): SideResult => {
      const s = c[which];
      return summarizeSide(spec, which, s.samples, s.seconds, s.extra, s.error);
    };
    return combine(spec, side("python"), side("typescript"));
  });
  writeReport({ ...stored, cases }, out);
  return 0;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.rerender) return rerender(args.out);
  if (!existsSync(args.python)) {
    throw new Error(`Expected the bench's Python at ${args.python}; build it with \`make bench-venv\` (make bench does it for you)`);
  }
  const csv = join(ROOT, "data", "diamonds.csv");
  if (!existsSync(csv)) throw new Error(`Expected the diamonds CSV at ${csv}; \`make setup\` fetches it`);
  const logDir = join(args.out, "logs");
  mkdirSync(logDir, { recursive: true });

  const cores = availableParallelism();
  let specs = defineCases({ quick: args.quick, cores, csv });
  if (args.only !== undefined) {
    const unknown = args.only.filter((id) => !specs.some((s) => s.id === id));
    if (unknown.length > 0) throw new Error(`Expected case ids from ${specs.map((s) => s.id).join(", ")}, got ${unknown.join(", ")}`);
    specs = specs.filter((s) => args.only?.includes(s.id));
  }

  const startedAt = new Date();
  const t0 = performance.now();
  const loadStart = load();
  const py = await pythonInfo(args.python);
  const server = await startServer({ logFile: join(logDir, "course-server.log") });
  const urls: Record<string, string> = { course: server.url };
  console.log(`concurrency-lab bench${args.quick ? " — QUICK: fewer reps, smaller counts, the 10 s cases scaled down" : ""}`);
  console.log(`course server ${server.url}; ${specs.length} cases; logs in ${logDir}`);

  const results: CaseResult[] = [];
  let gunicorn: Gunicorn | undefined;
  try {
    for (const [i, spec] of specs.entries()) {
      const needsGunicorn = [spec.python, spec.typescript].some((s) => s.params.url === "gunicorn");
      if (needsGunicorn && gunicorn === undefined) {
        gunicorn = await startGunicorn(args.python, logDir);
        urls.gunicorn = gunicorn.url;
        console.log(`gunicorn httpbin:app ${gunicorn.url}`);
      }
      const python = await runSide(spec, "python", args.python, urls, logDir);
      const typescript = await runSide(spec, "typescript", args.python, urls, logDir);
      const result = combine(spec, python, typescript);
      results.push(result);
      const side = (s: SideResult): string => (s.error !== undefined ? `${s.label} FAILED` : `${s.label} ${fmt(s.median)} ${spec.unit}`);
      console.log(`[${i + 1}/${specs.length}] ${spec.id}: ${side(python)}, ${side(typescript)} → TS ${fmtRatio(result.ratio)}`);
      if (needsGunicorn && gunicorn !== undefined && !specs.slice(i + 1).some((s) => [s.python, s.typescript].some((x) => x.params.url === "gunicorn"))) {
        await stopGroup(gunicorn.child);
        gunicorn = undefined;
      }
    }
  } finally {
    if (gunicorn !== undefined) await stopGroup(gunicorn.child);
  }

  const finishedAt = new Date();
  const report: Results = {
    schema: 1,
    quick: args.quick,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    seconds: (performance.now() - t0) / 1000,
    machine: {
      cpus: cores,
      cpuModel: cpus()[0]?.model ?? "unknown",
      platform: `${platform()} ${release()}`,
      node: process.version,
      python: py.python ?? "unknown",
      pythonPackages: py,
      loadStart,
      loadEnd: load(),
    },
    servers: { course: `${urls.course ?? ""} (Fastify, one Node process)`, ...(urls.gunicorn === undefined ? {} : { gunicorn: `${urls.gunicorn} (gunicorn -w 2 -k gthread --threads 32 --keep-alive 30 httpbin:app)` }) },
    cases: results,
  };
  writeReport(report, args.out);
  const failed = results.filter((r) => r.python.error !== undefined || r.typescript.error !== undefined);
  if (failed.length > 0) {
    console.error(`${failed.length} case(s) failed: ${failed.map((r) => r.id).join(", ")}`);
    return 1;
  }
  return 0;
}

async function cleanup(): Promise<void> {
  await Promise.all([...children].map((child) => stopGroup(child)));
  await stopServer();
}

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${signal}: stopping every child process…`);
    void cleanup().finally(() => process.exit(130));
  });
}

main().then(
  async (code) => {
    await cleanup();
    process.exitCode = code;
  },
  async (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    await cleanup();
    process.exitCode = 1;
  },
);
