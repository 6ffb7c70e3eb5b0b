import { test } from "node:test";
import assert from "node:assert/strict";
import { XMLValidator } from "fast-xml-parser";
import { loopReplay, loopTraceChart, traceLoop } from "../../src/index.js";
import type { LoopEvent, LoopTrace } from "../../src/index.js";

/** A fixed trace: what Node runs for a timer, an immediate, a promise and a nextTick started from an I/O callback. */
function ev(seq: number, lane: LoopEvent["lane"], kind: LoopEvent["kind"], type: string, label: string, queuedAt: number, ranAt: number, durationMs = 0.05): LoopEvent {
  return { seq, lane, kind, type, resource: 100 + seq, label, queuedAt, ranAt, durationMs };
}
const fixed: Pick<LoopTrace<unknown>, "events" | "spans" | "note" | "elu"> = {
  events: [
    ev(0, "sync", "sync", "fn", "fn (sync)", 0, 0, 0.4),
    ev(1, "nextTick", "nextTick", "TickObject", "tick", 0.1, 0.5),
    ev(2, "microtask", "microtask", "PROMISE", "then", 0.2, 0.6),
    ev(3, "check", "immediate", "Immediate", "immediate", 0.3, 0.8),
    ev(4, "timers", "timer", "Timeout", "timeout", 0.05, 1.9),
    ev(5, "poll", "fs", "FSREQCALLBACK", "read", 0.35, 2.4),
  ],
  spans: [{ label: "FSREQCALLBACK #9", lane: "thread pool", start: 0.35, end: 2.4, failed: false }],
  note: undefined,
  elu: { utilization: 0.5, activeMs: 1, idleMs: 1 },
};
const count = (svg: string, re: RegExp): number => svg.match(re)?.length ?? 0;

test("the trace chart draws a lane per queue, in Node's order, plus a thread-pool lane", () => {
  const chart = loopTraceChart(fixed);
  assert.equal(XMLValidator.validate(chart.svg), true);
  const lanes = [...chart.svg.matchAll(/class="lane-label">([^<]*)</g)].map((m) => m[1]);
  assert.deepEqual(lanes, ["sync code", "nextTick", "microtasks", "timers", "poll (I/O)", "check (immediate)", "close", "in the pool 1"]);
  assert.equal(chart.kind, "loop");
});

test("the trace chart has a box per callback and a waiting line for each that waited", () => {
  const svg = loopTraceChart(fixed).svg;
  assert.equal(count(svg, /class="callback"/g), fixed.events.length);
  assert.equal(count(svg, /class="off-thread"/g), 1);
  // Everything but the sync code was queued before it ran.
  assert.equal(count(svg, /class="wait"/g), fixed.events.length - 1);
  assert.match(svg, /data-label="timeout"[^>]*><title>#4 timeout \(timer, Timeout\): queued 0\.05 ms, ran 1\.90 ms/);
});

test("in order mode every callback gets a column headed by its label", () => {
  const chart = loopTraceChart(fixed, { scale: "order" });
  const heads = [...chart.svg.matchAll(/class="column-label"[^>]*>([^<]*)</g)].map((m) => m[1]);
  assert.deepEqual(heads, fixed.events.map((e) => e.label));
  assert.match(chart.svg, /callbacks, in the order they ran/);
});

test("the text form draws the lanes and lists the callbacks in order, with the cap's note", () => {
  const chart = loopTraceChart({ ...fixed, note: "Recorded the first 6 callbacks (maxEvents); 3 more ran and were not recorded." });
  const lines = chart.text.split("\n");
  assert.match(lines.find((l) => l.startsWith("timers")) ?? "", /·+█/);
  const listed = lines.filter((l) => /^ ?\d+ {2}/.test(l)).map((l) => l.trim().split(/\s{2,}/).at(-1));
  assert.deepEqual(listed, fixed.events.map((e) => e.label));
  assert.ok(lines.includes("Recorded the first 6 callbacks (maxEvents); 3 more ran and were not recorded."));
  assert.ok(lines.includes("event-loop utilization 50 %"));
});

test("the replay has one animated step per callback, each shown after the one before", () => {
  const chart = loopReplay(fixed, { stepSeconds: 1 });
  assert.equal(XMLValidator.validate(chart.svg), true);
  assert.equal(chart.kind, "replay");
  assert.doesNotMatch(chart.svg, /<script/);
  const delays = [...chart.svg.matchAll(/class="(r[0-9a-z]+) step" data-step="\d+" style="animation-delay: ([\d.]+)s"/g)];
  assert.deepEqual(delays.map((m) => Number(m[2])), [0, 1, 2, 3, 4, 5]);
  const uid = delays[0]?.[1] as string;
  assert.match(chart.svg, new RegExp(`@keyframes ${uid}-show \\{ 0% \\{ opacity: 1; \\} 16\\.6667% \\{ opacity: 0; \\}`));
  assert.match(chart.svg, new RegExp(`\\.${uid} \\{ opacity: 0; animation: ${uid}-show 6\\.00s step-end infinite; \\}`));
});

test("each replay step shows what runs and what waits in the microtask and macrotask queues", () => {
  const lines = loopReplay(fixed).text.split("\n");
  // While the nextTick runs: the promise waits among the microtasks; the immediate, timer and read among the macrotasks.
  const at = lines.findIndex((l) => l.includes("running: nextTick: tick"));
  assert.equal(lines[at + 1]?.trim(), "microtasks: [then]  macrotasks: [check (immediate): immediate, timers: timeout, poll (I/O): read]");
  assert.equal(lines.at(-1)?.trim(), "microtasks: []  macrotasks: []");
});

test("the replay keeps only marked callbacks when there are any, and two replays never share CSS names", async () => {
  const trace = await traceLoop(async (mark) => {
    setImmediate(() => mark("immediate"));
    await Promise.resolve();
    mark("after await");
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }, { from: "io" });
  const replay = loopReplay(trace);
  assert.deepEqual([...replay.text.matchAll(/running: [^:]+: (.*)$/gm)].map((m) => m[1]), ["fn (sync)", "after await", "immediate"]);
  const uid = (svg: string) => /class="(r[0-9a-z]+) step"/.exec(svg)?.[1];
  assert.notEqual(uid(replay.svg), uid(loopReplay(fixed).svg));
});

test("the charts refuse what is not a trace, and bad options", () => {
  assert.throws(() => loopTraceChart({ events: [], spans: [] }), { name: "TypeError", message: /Expected trace to be what traceLoop\(\) returns, got array\(0\)|got object/ });
  assert.throws(() => loopTraceChart(fixed, { scale: "log" as never }), { name: "RangeError", message: 'Expected scale to be "time" or "order", got "log"' });
  assert.throws(() => loopReplay(fixed, { maxSteps: 0 }), { name: "RangeError", message: "Expected maxSteps to be a positive integer, got number 0" });
  assert.throws(() => loopReplay(fixed, { filter: () => false }), /keep at least one event/);
});
