import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { request } from "undici";
import type { Dispatcher } from "undici";
import { http2Agent, traceConnections } from "../../src/index.js";
import type { RunningServer } from "../../src/server/run.js";
import { REQUEST_TIMEOUT_MS, startTestServer, testAgent } from "./server-helpers.js";

let server: RunningServer;

before(async () => {
  server = await startTestServer();
});

after(async () => {
  await server.close();
});

async function get(dispatcher: Dispatcher, url: string): Promise<number> {
  const res = await request(url, { dispatcher, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  await res.body.text();
  return res.statusCode;
}

test("http2Agent sends ten concurrent requests as streams of one h2 connection", async () => {
  const agent = http2Agent({ ca: server.ca });
  try {
    const trace = await traceConnections(() => Promise.all(Array.from({ length: 10 }, (_, i) => get(agent, `${server.h2Url}/delay/0.2?i=${i}`))));
    assert.deepEqual(trace.value, Array.from({ length: 10 }, () => 200));
    assert.deepEqual(trace.connections.map((c) => c.protocol), ["h2"]);
    assert.equal(trace.requests.length, 10);
    assert.ok(trace.requests.every((r) => r.connection === 1));
  } finally {
    await agent.close();
  }
});

test("http2Agent runs the streams at once: ten 0.3 s requests take well under twice one", async () => {
  const agent = http2Agent({ ca: server.ca });
  try {
    await get(agent, `${server.h2Url}/get`); // connect first, so only the streams are timed
    const t0 = performance.now();
    await get(agent, `${server.h2Url}/delay/0.3`);
    const one = performance.now() - t0;
    const t1 = performance.now();
    await Promise.all(Array.from({ length: 10 }, () => get(agent, `${server.h2Url}/delay/0.3`)));
    const ten = performance.now() - t1;
    assert.ok(ten < 2 * one, `ten took ${ten.toFixed(0)} ms, one took ${one.toFixed(0)} ms`);
  } finally {
    await agent.close();
  }
});

test("an HTTP/1.1 pool opens one connection per concurrent request", async () => {
  const agent = testAgent();
  try {
    const trace = await traceConnections(() => Promise.all(Array.from({ length: 5 }, (_, i) => get(agent, `${server.url}/delay/0.2?i=${i}`))));
    assert.deepEqual(trace.connections.map((c) => c.protocol), Array.from({ length: 5 }, () => "http/1.1"));
    assert.deepEqual(new Set(trace.requests.map((r) => r.connection)), new Set([1, 2, 3, 4, 5]));
    assert.ok(trace.requests.every((r) => r.path.startsWith("/delay/0.2?i=")));
  } finally {
    await agent.close();
  }
});

test("tracing stops when the function ends, even when it throws", async () => {
  const agent = testAgent();
  try {
    await assert.rejects(traceConnections(() => Promise.reject(new Error("boom"))), /boom/);
    const trace = await traceConnections(() => get(agent, `${server.url}/get`));
    await get(agent, `${server.url}/get?after=1`);
    assert.equal(trace.requests.length, 1);
    assert.equal(trace.requests[0]?.path, "/get");
  } finally {
    await agent.close();
  }
});

test("http2Agent and traceConnections reject bad arguments with what was expected", async () => {
  assert.throws(() => http2Agent({ streams: 0 }), /Expected streams to be a positive integer, got 0/);
  await assert.rejects(traceConnections(42 as unknown as () => void), /Expected fn to be a function/);
});
