// Run in a child process by trace-loop.test.ts: a process with no other async hook (the test
// runner enables its own), so any hook left enabled shows as slower promises. Prints JSON.
import { performance } from "node:perf_hooks";
import { traceLoop } from "../../../src/index.js";

/** The fastest of 7 runs of 20,000 awaits, ms. */
async function promiseWork(): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 20_000; i++) await Promise.resolve(i);
    times.push(performance.now() - t0);
  }
  return Math.min(...times);
}

const before = await promiseWork();
let during = 0;
await traceLoop(async () => { during = await promiseWork(); }, { maxEvents: 100 });
const afterOk = await promiseWork();
await traceLoop(() => { throw new Error("boom"); }).catch(() => undefined);
const afterSyncThrow = await promiseWork();
await traceLoop(async () => { await Promise.resolve(); throw new RangeError("late boom"); }).catch(() => undefined);
const afterAsyncThrow = await promiseWork();
console.log(JSON.stringify({ before, during, afterOk, afterSyncThrow, afterAsyncThrow }));
