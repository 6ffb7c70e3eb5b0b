/**
 * The processes backend's pool: `size` Node.js child processes started with
 * `child_process.fork`, talking over the IPC channel with `serialization: "advanced"` (the
 * structured-clone format, so the same values cross as with threads: Map, Set, typed arrays,
 * BigInt, Date, …).
 *
 * Lifetime rules, because a notebook kernel can be restarted or killed at any moment:
 * - idle children are unref'd (channel and pipes too): they never keep the kernel alive;
 *   a child's channel is ref'd only while it runs a batch someone awaits;
 * - on the parent's 'exit' the registry kills them (see registry.ts);
 * - a child exits when its IPC channel closes, which also covers a parent killed by SIGKILL;
 * - a child that dies is replaced; its batch, if any, rejects.
 */
import { fork, type ChildProcess } from "node:child_process";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { WaitingLine, workerEntry, type WorkerPool } from "./pool.js";
import type { BatchOutcome, WireBatch } from "./wire.js";

interface Running {
  readonly id: number;
  readonly resolve: (outcome: BatchOutcome) => void;
  readonly reject: (error: unknown) => void;
}

interface Child {
  readonly proc: ChildProcess;
  started: boolean;
  running: Running | undefined;
  readonly ready: Promise<void>;
  /** Settles `ready` (also when the child dies first, so `ready()` never waits forever). */
  settleReady: () => void;
}

interface Unrefable { unref?: () => void; ref?: () => void }

/** Consecutive children that die before they start: after this many, the pool gives up. */
const MAX_FAILED_STARTS = 3;

/** A pool of `size` child processes (see the module comment). */
export class ProcessPool implements WorkerPool {
  readonly kind = "processes" as const;
  readonly size: number;
  readonly #children = new Set<Child>();
  readonly #line = new WaitingLine();
  readonly #entry = workerEntry("process-worker");
  #nextId = 1;
  #failedStarts = 0;
  /** How many callers await ready() now: children still starting stay ref'd for them. */
  #readyWaiters = 0;
  #closed = false;
  #broken: Error | undefined;

  /** A pool of `size` child processes, all started at once (fork). */
  constructor(size: number) {
    this.size = size;
    for (let i = 0; i < size; i++) this.#spawn();
  }

  #spawn(): void {
    const proc = fork(fileURLToPath(this.#entry.url), [], {
      serialization: "advanced",
      // Piped, then copied to our own stdout/stderr: in the kernel those are the cell's output,
      // while the raw file descriptors go to the Jupyter server's terminal.
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      execArgv: [...this.#entry.execArgv],
    });
    let settleReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => { settleReady = resolve; });
    const child: Child = { proc, started: false, running: undefined, ready, settleReady };
    this.#children.add(child);
    proc.stdout?.on("data", (chunk: Buffer) => process.stdout.write(chunk));
    proc.stderr?.on("data", (chunk: Buffer) => process.stderr.write(chunk));
    proc.on("message", (message: { ready?: true; id?: number; outcome?: BatchOutcome }) => {
      if (message.ready === true) {
        child.started = true;
        this.#failedStarts = 0;
        child.settleReady();
        this.#drain();
        return;
      }
      const running = child.running;
      if (running !== undefined && message.id === running.id && message.outcome !== undefined) {
        this.#finish(child);
        running.resolve(message.outcome);
      }
    });
    // 'error' covers a failed spawn or a failed kill; 'exit' follows when the child is gone.
    proc.on("error", () => undefined);
    proc.on("exit", (code, signal) => this.#onExit(child, code, signal));
    this.#setRef(child, this.#line.length > 0);
  }

  // A child keeps the parent alive only while work it will do is awaited: its own batch, or
  // batches waiting in line (for a child still starting, say). Otherwise a script awaiting a
  // result could exit early, or an idle pool could hold the kernel open.
  #updateRefs(): void {
    const waiting = this.#line.length > 0;
    const starting = this.#readyWaiters > 0;
    for (const child of this.#children) this.#setRef(child, waiting || child.running !== undefined || (starting && !child.started));
  }

  #setRef(child: Child, ref: boolean): void {
    const handles: Unrefable[] = [child.proc, child.proc.channel as Unrefable, child.proc.stdout as Readable & Unrefable, child.proc.stderr as Readable & Unrefable];
    for (const handle of handles) {
      if (ref) handle?.ref?.();
      else handle?.unref?.();
    }
  }

  #finish(child: Child): void {
    child.running = undefined;
    this.#drain();
  }

  #onExit(child: Child, code: number | null, signal: NodeJS.Signals | null): void {
    this.#children.delete(child);
    child.settleReady();
    const running = child.running;
    child.running = undefined;
    if (running !== undefined) {
      running.reject(new Error(`The worker process ${child.proc.pid ?? "?"} exited (${signal ?? `code ${code ?? "?"}`}) while running a batch`));
    }
    if (this.#closed) return;
    if (!child.started && ++this.#failedStarts >= MAX_FAILED_STARTS) {
      this.#broken = new Error(`Worker processes keep exiting before they start (last: ${signal ?? `code ${code ?? "?"}`}); see the output above`);
      this.#line.rejectAll(this.#broken);
      return;
    }
    this.#spawn();
  }

  /** Queue a batch for the next free process; `signal` drops it while it still waits. */
  run(batch: WireBatch, signal?: AbortSignal): Promise<BatchOutcome> {
    if (this.#closed) return Promise.reject(new Error("This process pool is closed"));
    if (this.#broken) return Promise.reject(this.#broken);
    return this.#line.enqueue(batch, signal, () => this.#drain());
  }

  #drain(): void {
    this.#assign();
    this.#updateRefs();
  }

  #assign(): void {
    // Bounded by the number of children.
    for (const child of this.#children) {
      if (this.#line.length === 0) return;
      if (!child.started || child.running !== undefined || !child.proc.connected) continue;
      const next = this.#line.take();
      if (next === undefined) return;
      const id = this.#nextId++;
      child.running = { id, resolve: next.resolve, reject: next.reject };
      try {
        child.proc.send({ id, batch: next.batch });
      } catch (error) {
        // An argument v8 cannot serialise (a function, say): this batch fails, the child is fine.
        this.#finish(child);
        next.reject(error);
      }
    }
  }

  /** Resolves once every process has started and answered. */
  async ready(): Promise<void> {
    // Someone awaits the start-up: children still starting must keep Node alive meanwhile, or a
    // plain script awaiting ready() exits with "unsettled top-level await" (exit code 13).
    this.#readyWaiters++;
    this.#updateRefs();
    try {
      await Promise.all([...this.#children].map((child) => child.ready));
    } finally {
      this.#readyWaiters--;
      this.#updateRefs();
    }
  }

  /** The process ids of the workers. */
  workerIds(): number[] {
    return [...this.#children].map((child) => child.proc.pid).filter((pid): pid is number => pid !== undefined);
  }

  /** Reject the waiting batches and end every process; resolves when they have exited. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#line.rejectAll(new Error("The process pool was closed"));
    const exits = [...this.#children].map((child) => new Promise<void>((resolve) => {
      if (child.proc.exitCode !== null || child.proc.signalCode !== null) return resolve();
      child.proc.once("exit", () => resolve());
      // Awaited now: an unref'd child would let Node exit before its 'exit' event arrives.
      child.proc.ref();
      // Closing the channel makes the child exit by itself; SIGKILL if it is stuck in a task.
      if (child.proc.connected) child.proc.disconnect();
      const timer = setTimeout(() => child.proc.kill("SIGKILL"), 1000);
      timer.unref();
    }));
    await Promise.all(exits);
  }

  /** Kill every process at once (the kernel is exiting: no time to wait). */
  killNow(): void {
    for (const child of this.#children) child.proc.kill("SIGKILL");
  }
}
