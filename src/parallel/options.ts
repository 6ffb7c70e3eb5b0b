/**
 * The options of `Parallel`, their defaults, and the checks that turn a wrong option into a
 * `TypeError` that says what was expected.
 */
import { availableParallelism } from "node:os";
import type { ProgressBarOptions } from "../show/progress.js";
import { describeValue } from "../internal/describe.js";

/** Which kind of workers `Parallel` prefers: `"threads"` (worker threads) or `"processes"` (child processes). */
export type Prefer = "threads" | "processes";

/** joblib's name for the backend that runs the tasks, as printed by `verbose`. */
export type BackendName = "SequentialBackend" | "ThreadingBackend" | "ProcessBackend";

/** Options of `Parallel` (joblib's parameters, in camelCase). */
export interface ParallelOptions {
  /**
   * How many tasks run at the same time: a positive integer, or `-1` for one per CPU core
   * (`os.availableParallelism()`). `1` runs every task in the calling thread, one after
   * another, like joblib's SequentialBackend (and like joblib, that is the default). Default `1`.
   */
  nJobs?: number;
  /**
   * `"threads"`: worker threads (piscina). `"processes"`: child processes. Ignored when
   * `nJobs` is 1. Default `"threads"` — unlike joblib, whose default is processes: Node's
   * worker threads run JavaScript in parallel (there is no GIL) and share the process's memory.
   * Both kinds cost milliseconds to start (a thread is a whole V8 isolate with its own Node
   * environment) and pass tasks at rates of the same order; which is ahead depends on the Node
   * version and the machine. Processes buy isolation: a crash or a leak stays in its child.
   */
  prefer?: Prefer;
  /**
   * joblib's verbosity: `0` prints nothing; above 0 prints the backend line, progress lines
   * (more of them the higher the level; every batch above 10) and a final line; from 10, also
   * the batch-size changes. `true` is 1. Default `0`.
   */
  verbose?: number | boolean;
  /**
   * Tasks per batch sent to a worker: `"auto"` measures batch durations and grows the size
   * toward batches of 0.2–2 s, as joblib does; a number fixes it. Default `"auto"`.
   * (joblib's threading backend always sends one task at a time, because Python threads share
   * memory; Node's worker threads do not — each batch is a copied message, as for a process —
   * so threads batch here too.)
   */
  batchSize?: "auto" | number;
  /**
   * A live progress bar counting finished tasks (a finished batch adds its size), like
   * tqdm_joblib: a description (`"Diamonds"`), or progress-bar options (their `total`
   * defaults to the number of tasks). Default: no bar.
   */
  progress?: string | ProgressBarOptions | false;
  /**
   * Cancels the run: tasks not yet started are dropped and the call rejects with the signal's
   * reason (an `AbortError` by default). Tasks already running in a worker finish in the
   * background; their results are thrown away. Default: none.
   */
  signal?: AbortSignal;
  /** Where `verbose` lines go. Default `console.log` (the cell's output in a notebook). */
  log?: (line: string) => void;
}

/** {@link ParallelOptions} after checks and defaults. */
export interface ResolvedOptions {
  /** `nJobs` as given (printed as joblib prints it: `Parallel(n_jobs=-1)`). */
  readonly nJobsGiven: number;
  /** How many workers really run: `nJobs`, with -1 replaced by the number of cores. */
  readonly nJobs: number;
  readonly prefer: Prefer;
  readonly backend: BackendName;
  readonly verbose: number;
  readonly batchSize: "auto" | number;
  readonly progress: ProgressBarOptions | undefined;
  readonly signal: AbortSignal | undefined;
  readonly log: (line: string) => void;
}

const KNOWN = new Set(["nJobs", "prefer", "verbose", "batchSize", "progress", "signal", "log"]);
// Python habits, answered with the right name.
const RENAMED: Record<string, string> = { n_jobs: "nJobs", batch_size: "batchSize", backend: "prefer" };

function show(value: unknown): string {
  return typeof value === "number" ? String(value) : describeValue(value);
}

/** The number of CPU cores Node can use (what `nJobs: -1` means). */
export function cpuCount(): number {
  return availableParallelism();
}

/**
 * Check `options` and fill in the defaults.
 * @throws TypeError for an unknown option or a value of the wrong kind, saying what was expected.
 */
export function resolveOptions(options: ParallelOptions | undefined): ResolvedOptions {
  if (options === undefined) options = {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`Expected options to be an object such as { nJobs: 2 }, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (KNOWN.has(key)) continue;
    const hint = RENAMED[key] === undefined ? "" : `; did you mean ${RENAMED[key]}?`;
    throw new TypeError(`Unknown option "${key}" (expected one of ${[...KNOWN].join(", ")})${hint}`);
  }

  const nJobsGiven = options.nJobs ?? 1;
  if (typeof nJobsGiven !== "number" || !Number.isInteger(nJobsGiven) || (nJobsGiven < 1 && nJobsGiven !== -1)) {
    throw new TypeError(`Expected nJobs to be a positive integer or -1, got ${show(nJobsGiven)}`);
  }
  const nJobs = nJobsGiven === -1 ? cpuCount() : nJobsGiven;

  const prefer = options.prefer ?? "threads";
  if (prefer !== "threads" && prefer !== "processes") {
    throw new TypeError(`Expected prefer to be "threads" or "processes", got ${show(prefer)}`);
  }

  const verboseGiven = options.verbose ?? 0;
  const verbose = verboseGiven === true ? 1 : verboseGiven === false ? 0 : verboseGiven;
  if (typeof verbose !== "number" || !Number.isInteger(verbose) || verbose < 0) {
    throw new TypeError(`Expected verbose to be an integer ≥ 0 or a boolean, got ${show(verboseGiven)}`);
  }

  const batchSize = options.batchSize ?? "auto";
  if (batchSize !== "auto" && (typeof batchSize !== "number" || !Number.isInteger(batchSize) || batchSize < 1)) {
    throw new TypeError(`Expected batchSize to be "auto" or a positive integer, got ${show(batchSize)}`);
  }

  let progress: ProgressBarOptions | undefined;
  const progressGiven = options.progress;
  if (typeof progressGiven === "string") progress = { desc: progressGiven };
  else if (typeof progressGiven === "object" && progressGiven !== null && !Array.isArray(progressGiven)) progress = { ...progressGiven };
  else if (progressGiven !== undefined && progressGiven !== false) {
    throw new TypeError(`Expected progress to be a description, progress-bar options or false, got ${show(progressGiven)}`);
  }

  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`Expected signal to be an AbortSignal, got ${show(signal)}`);
  }

  const log = options.log ?? ((line: string) => console.log(line));
  if (typeof log !== "function") throw new TypeError(`Expected log to be a function, got ${show(log)}`);

  const backend: BackendName = nJobs === 1 ? "SequentialBackend" : prefer === "threads" ? "ThreadingBackend" : "ProcessBackend";
  return { nJobsGiven, nJobs, prefer, backend, verbose, batchSize, progress, signal, log };
}
