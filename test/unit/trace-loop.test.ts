import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs";
import { pbkdf2 } from "node:crypto";
import { createServer, connect } from "node:net";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { traceLoop } from "../../src/index.js";
import type { LoopEvent } from "../../src/index.js";

const marked = (events: readonly LoopEvent[]): LoopEvent[] => events.filter((e) => e.label !== e.type && e.kind !== "sync");
const byLabel = (events: readonly LoopEvent[], label: string): LoopEvent => {
  const e = events.find((x) => x.label === label);
  assert.ok(e, `expected an event labelled ${label}, got ${events.map((x) => x.label).join(", ")}`);
  return e;
};

/**
 * The fixed mix: a timer, an immediate, a promise and a nextTick; the timer's callback starts an
 * fs read, whose callback queues a timer and an immediate. (The read starts in the timer so that
 * it cannot finish before the first timer is due: the order is fixed.)
 */
function mix(mark: (label: string) => void): Promise<void> {
  void Promise.resolve().then(() => mark("promise"));
  process.nextTick(() => mark("nextTick"));
  setImmediate(() => mark("immediate"));
  return new Promise<void>((resolve) => {
    setTimeout(() => {
      mark("timeout");
      readFile(new URL(import.meta.url), () => {
        mark("read");
        setTimeout(() => { mark("timeout after read"); resolve(); }, 0);
        setImmediate(() => mark("immediate after read"));
      });
    }, 0);
  });
}

test("a mix started from an I/O callback runs in Node's documented order", async () => {
  const trace = await traceLoop(mix, { from: "io" });
  // nextTick queue, then microtasks, then the check phase (an immediate queued in the poll phase
  // runs before any timer), then timers; inside the read callback the same rule: immediate first.
  assert.deepEqual(trace.marks, ["nextTick", "promise", "immediate", "timeout", "read", "immediate after read", "timeout after read"]);
  assert.deepEqual(marked(trace.events).map((e) => e.label), trace.marks);
});

test("each callback of the mix is on its queue's lane, with its kind and resource type", async () => {
  const trace = await traceLoop(mix, { from: "io" });
  const want: Array<[string, string, string, string]> = [
    ["nextTick", "nextTick", "nextTick", "TickObject"],
    ["promise", "microtask", "microtask", "PROMISE"],
    ["immediate", "check", "immediate", "Immediate"],
    ["timeout", "timers", "timer", "Timeout"],
    ["read", "poll", "fs", "FSREQCALLBACK"],
  ];
  for (const [label, lane, kind, type] of want) {
    const e = byLabel(trace.events, label);
    assert.deepEqual([e.lane, e.kind, e.type], [lane, kind, type], label);
  }
  assert.equal(trace.events[0]?.kind, "sync");
  assert.ok(trace.events.filter((e) => e.kind === "fs").length >= 1, "an fs callback");
});

test("every event was queued before it ran, and events are numbered in the order they ran", async () => {
  const trace = await traceLoop(mix, { from: "io" });
  trace.events.forEach((e, i) => {
    assert.equal(e.seq, i);
    assert.ok(e.queuedAt <= e.ranAt + 1e-9, `${e.label}: queued ${e.queuedAt} after it ran ${e.ranAt}`);
    assert.ok(e.durationMs >= 0);
    if (i > 0) assert.ok(e.ranAt >= (trace.events[i - 1] as LoopEvent).ranAt);
  });
  assert.ok(trace.elu.utilization > 0 && trace.elu.utilization <= 1);
  assert.ok(trace.elapsedMs > 0);
});

test("called from inside a promise reaction, the promise reactions run before the nextTicks", async () => {
  await Promise.resolve();   // now inside a microtask: Node drains the microtask queue first
  const trace = await traceLoop((mark) => {
    process.nextTick(() => mark("nextTick"));
    void Promise.resolve().then(() => mark("promise"));
  });
  assert.deepEqual(trace.marks, ["promise", "nextTick"]);
});

test("the thread pool's work shows as spans, and a crypto callback as kind crypto", async () => {
  const trace = await traceLoop((mark) => new Promise<void>((resolve) => {
    pbkdf2("secret", "salt", 1000, 32, "sha256", () => { mark("pbkdf2 done"); resolve(); });
  }));
  assert.equal(byLabel(trace.events, "pbkdf2 done").kind, "crypto");
  assert.ok(trace.spans.some((s) => s.lane === "thread pool" && /PBKDF2/.test(s.label)), JSON.stringify(trace.spans));
});

test("a TCP round trip on loopback shows tcp callbacks and the sockets' close callbacks", async () => {
  const trace = await traceLoop(() => new Promise<void>((resolve, reject) => {
    const server = createServer((socket) => socket.end("hi"));
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") return reject(new Error("no port"));
      const client = connect(address.port, "127.0.0.1");
      client.on("data", () => undefined);
      client.on("close", () => server.close(() => resolve()));
    });
  }));
  const kinds = new Set(trace.events.map((e) => e.kind));
  assert.ok(kinds.has("tcp"), [...kinds].join(","));
  assert.ok(trace.events.some((e) => e.kind === "close" && e.lane === "close"), trace.events.map((e) => `${e.kind}:${e.type}`).join(" "));
});

test("a child process that fn starts shows as a span", async () => {
  const trace = await traceLoop(() => new Promise<void>((resolve) => {
    spawn(process.execPath, ["-e", ""], { stdio: "ignore" }).on("exit", () => resolve());
  }));
  const child = trace.spans.find((s) => s.lane.startsWith("child"));
  assert.ok(child, JSON.stringify(trace.spans));
  assert.ok(child.end > child.start);
});

test("the cap stops recording, counts what it dropped and says so", async () => {
  const trace = await traceLoop(async () => {
    for (let i = 0; i < 50; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }, { maxEvents: 10 });
  assert.equal(trace.events.length, 11);   // fn's own sync span plus the first ten callbacks
  assert.equal(trace.truncated, true);
  assert.ok(trace.dropped >= 40, `dropped ${trace.dropped}`);
  assert.match(trace.note ?? "", /first 10 callbacks \(maxEvents\); \d+ more ran/);
  const untouched = await traceLoop(() => undefined);
  assert.equal(untouched.truncated, false);
  assert.equal(untouched.note, undefined);
});

/** Promise-heavy timings before, under and after traces, measured in a child process with no other async hook. */
let overhead: Promise<Record<"before" | "during" | "afterOk" | "afterSyncThrow" | "afterAsyncThrow", number>> | undefined;
function measureOverhead(): NonNullable<typeof overhead> {
  overhead ??= new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("helpers/trace-overhead.ts", import.meta.url))], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => { out += chunk.toString(); });
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out) as Awaited<NonNullable<typeof overhead>>);
      else reject(new Error(`Expected the overhead child to exit with 0, got ${code}: ${out}`));
    });
  });
  return overhead;
}

test("tracing slows promise-heavy code while on, and nothing after it is switched off", async () => {
  const t = await measureOverhead();
  assert.ok(t.during / t.before >= 2, `under the trace ${t.during.toFixed(2)} ms vs ${t.before.toFixed(2)} ms: the measure must see the hooks`);
  assert.ok(t.afterOk / t.before <= 1.8, `after the trace ${t.afterOk.toFixed(2)} ms vs ${t.before.toFixed(2)} ms before`);
});

test("a throw inside fn still switches tracing off: later promises are not slowed", async () => {
  const t = await measureOverhead();
  assert.ok(t.afterSyncThrow / t.before <= 1.8, `after a sync throw ${t.afterSyncThrow.toFixed(2)} ms vs ${t.before.toFixed(2)} ms before`);
  assert.ok(t.afterAsyncThrow / t.before <= 1.8, `after a rejection ${t.afterAsyncThrow.toFixed(2)} ms vs ${t.before.toFixed(2)} ms before`);
});

test("a throw inside fn is re-thrown, and the next trace can start", async () => {
  await assert.rejects(traceLoop(() => { throw new Error("boom"); }), /boom/);
  await assert.rejects(traceLoop(async () => { await Promise.resolve(); throw new RangeError("late boom"); }), RangeError);
  const next = await traceLoop((mark) => { setImmediate(() => mark("still works")); return new Promise((r) => setTimeout(r, 5)); });
  assert.deepEqual(next.marks, ["still works"]);
});

test("bad arguments are refused with what was expected and what came", async () => {
  await assert.rejects(traceLoop(42 as never), { name: "TypeError", message: "Expected fn to be a function, got number 42" });
  await assert.rejects(traceLoop(() => 1, { maxEvents: 0 }), { name: "RangeError", message: "Expected maxEvents to be a positive integer, got number 0" });
  await assert.rejects(traceLoop(() => 1, { from: "poll" as never }), { name: "RangeError", message: 'Expected from to be "caller", "io" or "immediate", got "poll"' });
  await assert.rejects(traceLoop(() => 1, { onlyMarkedMicrotasks: 1 as never }), TypeError);
});

test("two traces at once are refused: the hooks see the whole process", async () => {
  const first = traceLoop(() => new Promise((r) => setTimeout(r, 20)));
  await assert.rejects(traceLoop(() => 1), /Expected no other traceLoop\(\) to be running/);
  await first;
});

test("onlyMarkedMicrotasks keeps the marked promise reactions and drops await's internal ones", async () => {
  const all = await traceLoop(async (mark) => { await Promise.resolve(); await Promise.resolve(); mark("after awaits"); });
  const some = await traceLoop(async (mark) => { await Promise.resolve(); await Promise.resolve(); mark("after awaits"); }, { onlyMarkedMicrotasks: true });
  const micro = (t: typeof all) => t.events.filter((e) => e.kind === "microtask").map((e) => e.label);
  assert.ok(micro(all).length > 1);
  assert.deepEqual(micro(some), ["after awaits"]);
});

test("a sync fn's queued timer and immediate are still recorded after fn returns", async () => {
  const trace = await traceLoop((mark) => {
    setTimeout(() => mark("timer"), 5);
    setImmediate(() => mark("immediate"));
  });
  assert.deepEqual(trace.marks, ["immediate", "timer"]);
});

test("waitMs bounds the wait for what fn queued, and a cleared timer is not waited for", async () => {
  const t0 = performance.now();
  const trace = await traceLoop((mark) => {
    setTimeout(() => mark("too late"), 400);
    clearTimeout(setTimeout(() => mark("cleared"), 1));
  }, { waitMs: 30 });
  const took = performance.now() - t0;
  assert.deepEqual(trace.marks, []);
  assert.ok(took < 300, `took ${took.toFixed(0)} ms`);
  await assert.rejects(traceLoop(() => 1, { waitMs: -1 }), { name: "RangeError", message: "Expected waitMs to be a number ≥ 0, got number -1" });
});
