/**
 * Throughput and speed-up of Parallel (issue 5's targets), measured against the built library
 * in dist/ — what a notebook loads. Prints numbers; asserts nothing (the unit tests assert
 * the ratios with loose bounds).
 *
 *   npm run build && node --import tsx bench/parallel.ts
 */
import { performance } from "node:perf_hooks";
import { Parallel, closePools, delayed, fib, sleep, sqrt } from "../dist/index.js";

async function best(runs: number, fn: () => Promise<unknown>): Promise<number> {
  let ms = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    ms = Math.min(ms, performance.now() - start);
  }
  return ms;
}

async function main(): Promise<void> {
  // Start-up: alternate the kinds and keep the best of three, so neither pays alone for
  // cold module loading.
  const startup = { threads: Infinity, processes: Infinity };
  for (let round = 0; round < 3; round++) {
    for (const prefer of ["threads", "processes"] as const) {
      await closePools();
      const start = performance.now();
      await Parallel({ nJobs: 2, prefer })([delayed(sqrt)(1), delayed(sqrt)(4)]);
      startup[prefer] = Math.min(startup[prefer], performance.now() - start);
    }
  }
  for (const prefer of ["threads", "processes"] as const) {
    console.log(`${prefer}: pool start-up + first call of 2 tasks: ${startup[prefer].toFixed(0)} ms (best of 3)`);
  }
  for (const prefer of ["threads", "processes"] as const) {
    const parallel = Parallel({ nJobs: 2, prefer });
    // Building the 100,000 delayed calls is part of what a notebook cell does, so it is timed.
    const ms = await best(5, () => parallel(Array.from({ length: 100_000 }, (_, i) => delayed(sqrt)(i ** 2))));
    console.log(`${prefer}: 100,000 x sqrt with nJobs=2: ${ms.toFixed(1)} ms = ${Math.round(100_000 / (ms / 1000)).toLocaleString("en")} tasks/s`);
  }
  const fibItems = () => Array.from({ length: 8 }, () => delayed(fib)(31));
  const one = await best(3, () => Parallel({ nJobs: 1 })(fibItems()));
  for (const prefer of ["threads", "processes"] as const) {
    const two = await best(3, () => Parallel({ nJobs: 2, prefer })(fibItems()));
    console.log(`${prefer}: 8 x fib(31): nJobs=1 ${one.toFixed(0)} ms, nJobs=2 ${two.toFixed(0)} ms, speed-up ${(one / two).toFixed(2)}x`);
  }
  const sleepItems = () => Array.from({ length: 10 }, () => delayed(sleep)(1));
  await Parallel({ nJobs: 10 })([delayed(sqrt)(1)]);
  const sequential = await best(1, () => Parallel({ nJobs: 1 })(sleepItems()));
  const ten = await best(1, () => Parallel({ nJobs: 10 })(sleepItems()));
  console.log(`sleep(1) x 10: nJobs=1 ${(sequential / 1000).toFixed(2)} s, nJobs=10 ${(ten / 1000).toFixed(2)} s, ratio ${(sequential / ten).toFixed(1)}`);
  await closePools();
}

void main();
