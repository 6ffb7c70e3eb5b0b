import { test } from "node:test";
import assert from "node:assert/strict";
import { createTimeline, packLanes, probeEventLoop } from "../../src/index.js";
import type { Span } from "../../src/index.js";
import { setTimeout as sleep } from "node:timers/promises";

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

test("span records label, lane, start and end relative to the origin", async () => {
  const clock = fakeClock();
  const tl = createTimeline({ now: clock.now });
  clock.advance(5);
  const v = await tl.span("GET #1", "conn 1", () => { clock.advance(20); return 42; });
  assert.equal(v, 42);
  assert.deepEqual(tl.spans, [{ label: "GET #1", lane: "conn 1", start: 5, end: 25, failed: false }]);
});

test("span without a lane uses the label as its lane, and numbers become lane names", async () => {
  const tl = createTimeline();
  await tl.span("a", undefined, () => 1);
  await tl.span("b", 3, () => 1);
  assert.deepEqual(tl.spans.map((s) => s.lane), ["a", "3"]);
});

test("a span that throws is recorded as failed and the error re-thrown", async () => {
  const tl = createTimeline();
  await assert.rejects(tl.span("bad", "x", () => Promise.reject(new Error("403"))), /403/);
  assert.equal(tl.spans[0]?.failed, true);
});

test("spans of concurrent work overlap in time", async () => {
  const tl = createTimeline();
  await Promise.all([1, 2, 3].map((i) => tl.span(`#${i}`, `lane ${i}`, () => sleep(30))));
  const latestStart = Math.max(...tl.spans.map((s) => s.start));
  const earliestEnd = Math.min(...tl.spans.map((s) => s.end));
  assert.ok(latestStart < earliestEnd);
});

test("reset forgets the spans", async () => {
  const tl = createTimeline();
  await tl.span("a", "x", () => 1);
  tl.reset();
  assert.equal(tl.spans.length, 0);
});

test("add rejects an end before the start", () => {
  assert.throws(() => createTimeline().add("a", "x", 10, 5), /Expected start and end to be finite with end ≥ start, got number 10 and number 5/);
});

test("packLanes puts 15 requests under a limit of 5 into 5 slots, in three waves", () => {
  const spans: Span[] = Array.from({ length: 15 }, (_, i) => ({ label: `#${i + 1}`, lane: "", start: Math.floor(i / 5) * 2000, end: Math.floor(i / 5) * 2000 + 2000, failed: false }));
  const packed = packLanes(spans);
  assert.deepEqual([...new Set(packed.map((s) => s.lane))], ["slot 1", "slot 2", "slot 3", "slot 4", "slot 5"]);
  assert.equal(packed.filter((s) => s.lane === "slot 1").length, 3);
});

test("probeEventLoop sees a blocking call as one long heartbeat gap", async () => {
  const r = await probeEventLoop(() => { const end = Date.now() + 150; while (Date.now() < end); return "done"; }, { intervalMs: 5 });
  assert.equal(r.value, "done");
  assert.ok(r.maxGapMs >= 140, `max gap ${r.maxGapMs}`);
});

test("probeEventLoop reports the event-loop delay of a call that blocks for the whole probe", async () => {
  const r = await probeEventLoop(() => { const end = Date.now() + 150; while (Date.now() < end); }, { intervalMs: 5 });
  // The histogram's own timer was held up by the block: its worst delay is most of the block.
  assert.ok(r.delay.max >= 100, `expected a delay of ~150 ms, got ${r.delay.max}`);
});

test("probeEventLoop sees an await as a regular heartbeat", async () => {
  const r = await probeEventLoop(() => sleep(150), { intervalMs: 5 });
  // Ratios, not absolute times: the longest gap is a small part of the run.
  assert.ok(r.maxGapMs < r.elapsedMs / 3, `max gap ${r.maxGapMs} of ${r.elapsedMs}`);
  assert.ok(r.beats.length > 10);
  assert.equal(r.gaps.length, r.beats.length - 1);
});

// An unref'd interval is invisible to process.getActiveResourcesInfo(), so the probe's timers are
// followed from creation (init) to clearing (destroy) with async_hooks.
async function timersLeftBy(fn: () => Promise<unknown>): Promise<number> {
  const { createHook } = await import("node:async_hooks");
  const live = new Set<number>();
  const hook = createHook({
    init(id, type) { if (type === "Timeout") live.add(id); },
    destroy(id) { live.delete(id); },
  }).enable();
  try {
    await fn();
  } finally {
    hook.disable();
  }
  // A cleared timer's destroy is emitted on a later turn of the loop; wait for it while the
  // hook still listens (a second hook: enabling a new one keeps ids consistent).
  const after = createHook({ destroy(id) { live.delete(id); } }).enable();
  try {
    for (let turn = 0; turn < 20 && live.size > 0; turn++) await sleep(5);
  } finally {
    after.disable();
  }
  return live.size;
}

test("probeEventLoop clears its timers, also when the function throws", async () => {
  assert.equal(await timersLeftBy(() => assert.rejects(probeEventLoop(() => { throw new Error("boom"); }), /boom/)), 0);
  assert.equal(await timersLeftBy(() => probeEventLoop(() => sleep(20))), 0);
});

test("the timer check sees an unref'd interval that is never cleared", async () => {
  let leaked: NodeJS.Timeout | undefined;
  const left = await timersLeftBy(async () => {
    leaked = setInterval(() => undefined, 1000);
    leaked.unref();
  });
  clearInterval(leaked);
  assert.equal(left, 1);
});

test("probeEventLoop rejects a zero interval", async () => {
  await assert.rejects(probeEventLoop(() => 1, { intervalMs: 0 }), /Expected intervalMs to be a number ≥ 1, got number 0/);
});
