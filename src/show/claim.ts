/**
 * The notebooks' check helper: one line per measured claim.
 *
 * Two kinds of check, because they fail for different reasons:
 * - **timing claims** (`claim.atLeast`, `claim.atMost`, `claim.between`) compare a measured
 *   number with a loose bound. A miss in class is usually the machine, not the lesson: it prints
 *   `✘` with the measured value, the bound and the likely cause it can see (the load average
 *   against the cores, other kernels running), and the notebook goes on. In strict mode — the
 *   notebook runner, the browser test and CI switch it on with `CONCURRENCY_LAB_STRICT=1` — a
 *   miss throws {@link ClaimError}.
 * - **correctness checks** (`claim.ok`, `claim.equal`) — a wrong result, an update lost that
 *   should not be — always throw: no machine excuses a wrong answer.
 */
import * as os from "node:os";
import { readdirSync, readFileSync } from "node:fs";
import { isDeepStrictEqual, inspect } from "node:util";

/** Thrown by a correctness check that fails, and by a timing claim that misses in strict mode. */
export class ClaimError extends Error {
  override name = "ClaimError";
}

/** How a claim prints its numbers. */
export interface ClaimOptions {
  /** Written after each number: `"×"`, `" ms"`, `" tasks/s"`… Default: nothing. */
  readonly unit?: string;
  /** Decimals shown. Default: 2 below 10, 1 below 100, none from 100 up. */
  readonly digits?: number;
}

/** What {@link machineLoad} sees of the machine the kernel runs on. */
export interface MachineLoad {
  /** CPU cores Node.js may use (`os.availableParallelism()`). */
  readonly cores: number;
  /**
   * The one-minute load average: how many programs wanted a core, on average (0 where the OS has
   * none). In a container or sandbox it may count the whole host, so {@link MachineLoad.busyCores}
   * is the better witness where it is measured.
   */
  readonly loadAverage: number;
  /**
   * Cores kept busy by other programs, measured from `/proc/stat` over 100 ms
   * (the machine's busy CPU time minus this process's own); `NaN` where `/proc/stat` is missing.
   */
  readonly busyCores: number;
  /** Other tslab kernels running on this machine (Linux only; 0 elsewhere). */
  readonly otherKernels: number;
  /**
   * True when other work shares the machine: other programs keep at least half a core busy (or,
   * where that cannot be measured, the load average is at least half the cores), or other kernels run.
   */
  readonly busy: boolean;
}

let strictOverride: boolean | undefined;

/**
 * Whether a timing claim that misses throws (strict) or prints ✘ and lets the lesson go on
 * (class mode, the default). Strict when {@link setStrict}(true) was called, or else when the
 * environment variable `CONCURRENCY_LAB_STRICT` is `1`.
 */
export function isStrict(): boolean {
  return strictOverride ?? process.env["CONCURRENCY_LAB_STRICT"] === "1";
}

/**
 * Switch strict mode on or off for this kernel; `undefined` goes back to the environment variable.
 *
 * @throws TypeError when `on` is neither a boolean nor undefined.
 */
export function setStrict(on: boolean | undefined): void {
  if (on !== undefined && typeof on !== "boolean") {
    throw new TypeError(`Expected setStrict's argument to be true, false or undefined, got ${inspect(on)}`);
  }
  strictOverride = on;
}

/** Count the other tslab kernels on this machine from /proc (Linux); 0 where /proc is missing. */
function countOtherKernels(): number {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return 0;
  }
  let count = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (argv.some((a) => /tslab[\\/]bin[\\/]tslab$|(^|[\\/])tslab$/.test(a)) && argv.includes("kernel")) count++;
    } catch {
      // The process ended while we looked, or is not ours to read: not a kernel we can count.
    }
  }
  return count;
}

/** How long {@link machineLoad} watches the CPUs to see how busy other programs keep them. */
const BUSY_SAMPLE_MS = 100;

/** Busy and total CPU time of the whole machine so far, in clock ticks, from /proc/stat; undefined elsewhere. */
function readCpuTicks(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    if (fields.length < 5 || fields.some((n) => !Number.isFinite(n))) return undefined;
    const total = fields.reduce((a, b) => a + b, 0);
    return { busy: total - fields[3]! - fields[4]!, total }; // idle and iowait are not busy
  } catch {
    return undefined;
  }
}

/**
 * Cores kept busy by programs other than this one over a short sample; NaN where /proc/stat is missing.
 * The load average alone misleads in containers (it may count the host's thousands of tasks).
 */
function measureBusyCores(cores: number): number {
  const before = readCpuTicks();
  if (before === undefined) return Number.NaN;
  const ownBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  // A synchronous pause: the claim that asks has finished measuring, and a sleep here is not CPU.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, BUSY_SAMPLE_MS);
  const after = readCpuTicks();
  if (after === undefined || after.total <= before.total) return Number.NaN;
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const own = process.cpuUsage(ownBefore);
  const ownCores = (own.user + own.system) / 1000 / wallMs;
  const allCores = ((after.busy - before.busy) / (after.total - before.total)) * cores;
  return Math.max(0, allCores - ownCores);
}

/**
 * What the machine is doing now: cores, load average, the cores other programs keep busy,
 * other kernels, and whether it looks busy. Watches the CPUs for 100 ms
 * (blocking, like a short sleep). A timing claim that misses prints this as its likely cause.
 */
export function machineLoad(): MachineLoad {
  const cores = os.availableParallelism();
  const loadAverage = os.loadavg()[0] ?? 0;
  const otherKernels = countOtherKernels();
  const busyCores = measureBusyCores(cores);
  const cpuBusy = Number.isNaN(busyCores) ? loadAverage >= cores / 2 : busyCores >= 0.5;
  return { cores, loadAverage, busyCores, otherKernels, busy: cpuBusy || otherKernels > 0 };
}

function formatNumber(value: number, options: ClaimOptions): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = options.digits ?? (abs < 10 ? 2 : abs < 100 ? 1 : 0);
  const text = value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${text}${options.unit ?? ""}`;
}

function likelyCause(): string {
  const load = machineLoad();
  const parts = Number.isNaN(load.busyCores)
    ? [`load average ${load.loadAverage.toFixed(1)} on ${load.cores} core(s)`]
    : [`other programs keep ${load.busyCores.toFixed(1)} of ${load.cores} core(s) busy`, `load average ${load.loadAverage.toFixed(1)}`];
  if (load.otherKernels > 0) parts.push(`${load.otherKernels} other kernel(s) running`);
  const seen = parts.join(", ");
  return load.busy
    ? `likely cause: other work shares this machine (${seen}). Re-run the cell when the machine is quieter.`
    : `no busy machine seen (${seen}): re-run the cell; if it misses again, look at what the cell measures.`;
}

function checkNumber(name: string, value: unknown, what: string): asserts value is number {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`Expected ${name} of the claim "${what}" to be a number, got ${inspect(value)}`);
  }
}

// Returns nothing on purpose: tslab prints a cell's last expression, and a claim is often the
// last line of a cell — a returned boolean would add a stray "true" under every ✔.
function timingClaim(what: string, measured: number, holds: boolean, expected: string, options: ClaimOptions): void {
  const line = `${what}: ${formatNumber(measured, options)} (expected ${expected})`;
  if (holds) {
    console.log(`✔ ${line}`);
    return;
  }
  const message = `✘ ${line} — ${likelyCause()}`;
  if (isStrict()) throw new ClaimError(message);
  console.log(`${message} The lesson goes on.`);
}

/** One-line checks for notebooks: timing claims (soft in class, strict in tests) and correctness checks (always strict). */
export const claim = {
  /**
   * Timing claim: `measured` is at least `bound`. Prints `✔ what: 1.84× (expected ≥ 1.30×)`.
   * A miss prints ✘ with the likely cause and the lesson goes on; in strict mode it throws.
   * Returns nothing, so a claim on a cell's last line prints only its own line.
   *
   * @example claim.atLeast("2 workers vs 1 worker", speedup, 1.3, { unit: "×" });
   * @throws ClaimError on a miss in strict mode; TypeError when a number is not a number.
   */
  atLeast(what: string, measured: number, bound: number, options: ClaimOptions = {}): void {
    checkNumber("measured", measured, what);
    checkNumber("bound", bound, what);
    timingClaim(what, measured, measured >= bound, `≥ ${formatNumber(bound, options)}`, options);
  },

  /**
   * Timing claim: `measured` is at most `bound`. Prints `✔ what: 12 ms (expected ≤ 50 ms)`.
   *
   * @throws ClaimError on a miss in strict mode; TypeError when a number is not a number.
   */
  atMost(what: string, measured: number, bound: number, options: ClaimOptions = {}): void {
    checkNumber("measured", measured, what);
    checkNumber("bound", bound, what);
    timingClaim(what, measured, measured <= bound, `≤ ${formatNumber(bound, options)}`, options);
  },

  /**
   * Timing claim: `low ≤ measured ≤ high`. Prints `✔ what: 2.03 s (expected 1.90 s – 3.00 s)`.
   *
   * @throws ClaimError on a miss in strict mode; TypeError when a number is not a number,
   *   RangeError when `low > high`.
   */
  between(what: string, measured: number, low: number, high: number, options: ClaimOptions = {}): void {
    checkNumber("measured", measured, what);
    checkNumber("low", low, what);
    checkNumber("high", high, what);
    if (low > high) throw new RangeError(`Expected low ≤ high in the claim "${what}", got ${low} > ${high}`);
    const expected = `${formatNumber(low, options)} – ${formatNumber(high, options)}`;
    timingClaim(what, measured, measured >= low && measured <= high, expected, options);
  },

  /**
   * Correctness check: `condition` holds. Prints `✔ what`; otherwise always throws, with `detail`
   * (what was seen instead) in the message.
   *
   * @example claim.ok("A started during the call", at("A starts") < at("called"), `order: ${order}`);
   * @throws ClaimError when `condition` is false.
   */
  ok(what: string, condition: boolean, detail?: string): void {
    if (!condition) throw new ClaimError(`✘ ${what}${detail === undefined ? "" : ` — got ${detail}`}`);
    console.log(`✔ ${what}`);
  },

  /**
   * Correctness check: `actual` deep-equals `expected`. Prints `✔ what: <value>`; otherwise
   * always throws with both values.
   *
   * @example claim.equal("visits after 1000 coroutines", visits, 1000);
   * @throws ClaimError when the values differ.
   */
  equal<T>(what: string, actual: T, expected: T): void {
    // compact: true keeps a long array on the one line of the claim (the default groups it into columns).
    const shown = (v: unknown) => inspect(v, { depth: 4, breakLength: Infinity, compact: true, maxArrayLength: 20 });
    if (!isDeepStrictEqual(actual, expected)) {
      throw new ClaimError(`✘ ${what}: expected ${shown(expected)}, got ${shown(actual)}`);
    }
    console.log(`✔ ${what}: ${shown(actual)}`);
  },
};
