/**
 * Entry of a child process in the processes backend (started with `child_process.fork`).
 *
 *   parent ──{ id, batch }──▶ child          one batch at a time per child
 *   parent ◀──{ id, outcome }── child
 *   parent ◀──{ ready: true }── child        once, when the child can take work
 *
 * The child exits as soon as its IPC channel closes ('disconnect'): that happens when the
 * parent closes the pool, exits, or is killed — even by SIGKILL — so no child outlives the kernel.
 */
import { serialize } from "node:v8";
import { runBatch } from "./run-batch.js";
import { serializeError, type BatchOutcome, type WireBatch } from "./wire.js";

interface Request { readonly id: number; readonly batch: WireBatch }

function send(message: unknown): void {
  process.send?.(message, undefined, undefined, (error: Error | null) => {
    // The parent went away between our check and the write: nothing left to do.
    if (error) process.exit(0);
  });
}

// A value v8 cannot serialise makes process.send throw; report it as the failing task instead.
function sendOutcome(id: number, outcome: BatchOutcome): void {
  try {
    send({ id, outcome });
  } catch (error) {
    if (!outcome.ok) throw error;
    const at = outcome.values.findIndex((value) => {
      try { serialize(value); return false; } catch { return true; }
    });
    send({ id, outcome: { ok: false, at: Math.max(at, 0), error: serializeError(error) } });
  }
}

if (typeof process.send !== "function") {
  console.error("process-worker.js is started by concurrency-lab's processes backend (child_process.fork); it needs an IPC channel.");
  process.exit(1);
}

process.on("disconnect", () => process.exit(0));
// Whatever goes wrong while running or answering, the parent gets an answer for the batch: a
// promise left to reject here would be an unhandled rejection, which ends the child process.
function sendFailure(id: number, error: unknown): void {
  try {
    send({ id, outcome: { ok: false, at: 0, error: serializeError(error) } });
  } catch {
    send({ id, outcome: { ok: false, at: 0, error: { name: "Error", message: "The worker process could not report its error" } } });
  }
}

process.on("message", (message: Request) => {
  runBatch(message.batch)
    .then((outcome) => sendOutcome(message.id, outcome))
    .catch((error: unknown) => sendFailure(message.id, error));
});
send({ ready: true });
