import { describe, test } from "node:test";
import assert from "node:assert/strict";
import diagnosticsChannel from "node:diagnostics_channel";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { setTimeout as sleep } from "node:timers/promises";
import type { Agent, Dispatcher } from "undici";
import { RateLimiter } from "../../src/server/rate-limit.js";
import type { RunningServer } from "../../src/server/run.js";
import { RATE_LIMIT_MESSAGE } from "../../src/index.js";
import { assertObject, send, testAgent, useTestServer } from "./server-helpers.js";

let server: RunningServer;
let agent: Agent;

useTestServer((s, a) => {
  server = s;
  agent = a;
});

/** Time one async call (ms). */
async function wall(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** Record the protocol of every connection undici opens while `fn` runs. */
async function protocolsUsed(fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const onConnected = (message: unknown): void => {
    const { socket } = message as { socket: Socket | TLSSocket };
    seen.push(("alpnProtocol" in socket && typeof socket.alpnProtocol === "string" ? socket.alpnProtocol : "") || "http/1.1");
  };
  diagnosticsChannel.subscribe("undici:client:connected", onConnected);
  try {
    await fn();
  } finally {
    diagnosticsChannel.unsubscribe("undici:client:connected", onConnected);
  }
  return seen;
}

describe("concurrency", () => {
  test("ten concurrent /delay/1 finish in well under twice one delay", async () => {
    const one = await wall(() => send(agent, `${server.url}/delay/1`));
    const ten = await wall(() => Promise.all(Array.from({ length: 10 }, () => send(agent, `${server.url}/delay/1`))));
    assert.ok(ten < 2 * one, `10 concurrent took ${ten.toFixed(0)} ms, one took ${one.toFixed(0)} ms`);
    console.log(`# 1 × /delay/1: ${one.toFixed(0)} ms; 10 concurrent: ${ten.toFixed(0)} ms`);
  });

  test("200 concurrent sleepers are all served at once", async () => {
    const one = await wall(() => send(agent, `${server.url}/delay/1`));
    let ok = 0;
    const all = await wall(() =>
      Promise.all(
        Array.from({ length: 200 }, async () => {
          if ((await send(agent, `${server.url}/delay/1`)).status === 200) ok++;
        }),
      ),
    );
    assert.equal(ok, 200);
    // Served one after another this would take 200 delays; at once, about one.
    assert.ok(all < 2 * one, `200 concurrent took ${all.toFixed(0)} ms, one took ${one.toFixed(0)} ms`);
    console.log(`# 200 concurrent /delay/1: ${all.toFixed(0)} ms (one: ${one.toFixed(0)} ms)`);
  });

  test("an idle keep-alive connection is still reused after a 2.5 s pause", async () => {
    const local = testAgent();
    try {
      const protocols = await protocolsUsed(async () => {
        await send(local, `${server.url}/get`);
        await sleep(2500);
        await send(local, `${server.url}/get`);
      });
      assert.equal(protocols.length, 1, "a second connection was opened: the first was closed while idle");
    } finally {
      await local.close();
    }
  });
});

describe("HTTP/2 over TLS", () => {
  test("undici with allowH2 and the generated CA speaks h2 to the second port", async () => {
    const h2 = testAgent({ ca: server.ca, allowH2: true });
    try {
      let status = 0;
      const protocols = await protocolsUsed(async () => {
        status = (await send(h2, `${server.h2Url}/get`)).status;
      });
      assert.equal(status, 200);
      assert.deepEqual(protocols, ["h2"]);
    } finally {
      await h2.close();
    }
  });

  test("ten concurrent requests share one HTTP/2 connection when the pool allows one", async () => {
    // Without connections: 1, undici opens a connection per request that arrives while the
    // first is still connecting; with it, all ten are streams of one connection.
    const h2 = testAgent({ ca: server.ca, allowH2: true, connections: 1 });
    try {
      const protocols = await protocolsUsed(() => Promise.all(Array.from({ length: 10 }, () => send(h2, `${server.h2Url}/delay/0.2`))));
      assert.deepEqual(protocols, ["h2"]);
    } finally {
      await h2.close();
    }
  });

  test("the echo over HTTP/2 has the same shape, with Host taken from :authority", async () => {
    const h2 = testAgent({ ca: server.ca, allowH2: true });
    try {
      const body = (await send(h2, `${server.h2Url}/get?x=1`)).json();
      assertObject(body);
      assertObject(body.headers);
      assert.equal(body.headers.Host, new URL(server.h2Url).host);
      assert.equal(body.url, `${server.h2Url}/get?x=1`);
      assert.ok(!Object.keys(body.headers).some((name) => name.startsWith(":")));
    } finally {
      await h2.close();
    }
  });

  test("a client without allowH2 falls back to HTTP/1.1 on the TLS port", async () => {
    const h1 = testAgent({ ca: server.ca });
    try {
      const protocols = await protocolsUsed(() => send(h1, `${server.h2Url}/get`));
      assert.deepEqual(protocols, ["http/1.1"]);
    } finally {
      await h1.close();
    }
  });

  test("a client that does not trust the CA is refused: certificate checks stay on", async () => {
    const untrusting = testAgent({ allowH2: true });
    try {
      await assert.rejects(send(untrusting, `${server.h2Url}/get`), (error: Error & { code?: string }) => {
        assert.match(String(error.code ?? error.message), /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/);
        return true;
      });
    } finally {
      await untrusting.close();
    }
  });
});

describe("the rate-limited route", () => {
  test("past the limit it answers 403 with the chapter's message, then recovers after the window", async () => {
    const url = `${server.url}/limited?limit=3&window=0.5&key=trip-${Date.now()}`;
    const first = [];
    for (let i = 0; i < 4; i++) first.push(await send(agent, url));
    assert.deepEqual(first.map((r) => r.status), [200, 200, 200, 403]);
    const refused = first[3]?.json();
    assertObject(refused);
    assert.equal(refused.error, RATE_LIMIT_MESSAGE);
    assert.equal(refused.error, "您的IP访问频率过高");
    assert.match(String(refused.message), /Expected at most 3 per 0\.5 s/);
    await sleep(600);
    assert.equal((await send(agent, url)).status, 200);
  });

  test("a refusal says when to come back: Retry-After in whole seconds, and then it is accepted", async () => {
    const url = `${server.url}/limited?limit=2&window=1&key=retry-${Date.now()}`;
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(await send(agent, url));
    assert.deepEqual(replies.map((r) => r.status), [200, 200, 403]);
    const refused = replies[2];
    assert.equal(replies[0]?.headers["retry-after"], undefined, "an accepted answer has no Retry-After");
    assert.equal(refused?.headers["retry-after"], "1", "the slot frees within the 1 s window: Retry-After: 1");
    const body = refused?.json();
    assertObject(body);
    assert.ok(Number(body.retryAfter) > 0 && Number(body.retryAfter) <= 1, `retryAfter in the body: ${String(body.retryAfter)}`);
    await sleep(Number(refused?.headers["retry-after"]) * 1000);
    assert.equal((await send(agent, url)).status, 200);
  });

  test("fifteen requests at once against a limit of five: five pass, ten are refused", async () => {
    const url = `${server.url}/limited?limit=5&window=5&key=burst-${Date.now()}`;
    const statuses = await Promise.all(Array.from({ length: 15 }, async () => (await send(agent, url)).status));
    assert.equal(statuses.filter((s) => s === 200).length, 5);
    assert.equal(statuses.filter((s) => s === 403).length, 10);
  });

  test("five workers whose requests each outlast the window are never refused (the semaphore fix)", async () => {
    // Each accepted request is held 0.4 s by the server, the window is 0.2 s: a new wave
    // starts only after the previous one has left the window.
    const url = `${server.url}/limited?limit=5&window=0.2&delay=0.4&key=waves-${Date.now()}`;
    let next = 0;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        while (next < 15) {
          next++;
          statuses.push((await send(agent, url)).status);
        }
      }),
    );
    assert.equal(statuses.length, 15);
    assert.deepEqual(statuses.filter((s) => s !== 200), []);
  });

  test("the limiter forgets the least recently seen clients past its size", () => {
    let now = 0;
    const limiter = new RateLimiter(2, () => now);
    assert.equal(limiter.hit("a", 1, 1000).allowed, true);
    assert.equal(limiter.hit("a", 1, 1000).allowed, false);
    limiter.hit("b", 1, 1000);
    limiter.hit("c", 1, 1000); // "a" is forgotten here
    assert.equal(limiter.hit("a", 1, 1000).allowed, true);
    now = 5000;
    assert.equal(limiter.hit("c", 1, 1000).allowed, true);
  });
});

interface BadCase {
  readonly what: string;
  readonly path: string;
  readonly method?: Dispatcher.HttpMethod;
  readonly body?: string | Buffer;
  readonly type?: string;
  readonly status: number;
  readonly error: RegExp;
}

const BAD_INPUT: readonly BadCase[] = [
  { what: "a non-numeric delay", path: "/delay/abc", status: 400, error: /Expected delay to be a number of seconds >= 0.*got "abc"/ },
  { what: "a negative delay", path: "/delay/-1", status: 400, error: /Expected delay to be a number/ },
  { what: "a hex delay", path: "/delay/0x10", status: 400, error: /Expected delay/ },
  { what: "a non-numeric status", path: "/status/abc", status: 400, error: /Expected status code to be an integer from 200 to 599, got "abc"/ },
  { what: "an unknown status code", path: "/status/999", status: 400, error: /Expected status code to be an integer from 200 to 599, got "999"/ },
  { what: "a 1xx status code", path: "/status/101", status: 400, error: /from 200 to 599/ },
  { what: "a bad weight", path: "/status/200:x", status: 400, error: /Expected the weight of 200 to be a number/ },
  { what: "all-zero weights", path: "/status/200:0,500:0", status: 400, error: /Expected at least one positive weight/ },
  { what: "negative bytes", path: "/bytes/-5", status: 400, error: /Expected n to be an integer of bytes/ },
  { what: "fractional bytes", path: "/bytes/1.5", status: 400, error: /Expected n to be an integer/ },
  { what: "a non-numeric seed", path: "/bytes/4?seed=x", status: 400, error: /Expected seed/ },
  { what: "non-numeric stream lines", path: "/stream/many", status: 400, error: /Expected n to be an integer of lines/ },
  { what: "a non-numeric drip size", path: "/drip?numbytes=lots", status: 400, error: /Expected numbytes/ },
  { what: "an hour-long drip", path: "/drip?duration=3600", status: 400, error: /Expected duration to be a number of seconds from 0 to 60/ },
  { what: "a drip with a bad code", path: "/drip?code=42", status: 400, error: /Expected code/ },
  { what: "a zero redirect count", path: "/redirect/0", status: 400, error: /Expected n to be an integer of redirects from 1 to 20/ },
  { what: "a zero rate limit", path: "/limited?limit=0", status: 400, error: /Expected limit to be an integer of requests from 1 to 10000/ },
  { what: "a non-numeric window", path: "/limited?window=soon", status: 400, error: /Expected window to be a number of seconds/ },
  { what: "page zero of the bookstore", path: "/books/catalogue/page-0.html", status: 400, error: /Expected page to be an integer/ },
  { what: "a page past the end", path: "/books/catalogue/page-51.html", status: 404, error: /Expected a page from 1 to 50, got 51/ },
  { what: "an unknown catalogue file", path: "/books/catalogue/cart.html", status: 404, error: /Expected a catalogue file named page-N.html/ },
  { what: "a bookstore delay that is not a number", path: "/books/?delay=slow", status: 400, error: /Expected delay/ },
  { what: "an unknown path", path: "/nowhere", status: 404, error: /No route for GET \/nowhere; expected one of the paths listed at \// },
  { what: "malformed JSON", path: "/post", method: "POST", body: '{"name": germey}', type: "application/json", status: 400, error: /Expected a valid JSON body/ },
  { what: "a broken form escape", path: "/post", method: "POST", body: "name=%zz", type: "application/x-www-form-urlencoded", status: 400, error: /Expected a url-encoded form body/ },
  { what: "multipart without a boundary", path: "/post", method: "POST", body: "x", type: "multipart/form-data", status: 400, error: /Expected a well-formed multipart\/form-data body: .*Boundary not found/ },
  { what: "a truncated multipart body", path: "/post", method: "POST", body: "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue", type: "multipart/form-data; boundary=b", status: 400, error: /Expected a well-formed multipart\/form-data body: Unexpected end/ },
  { what: "an oversized body", path: "/post", method: "POST", body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x61), type: "text/plain", status: 413, error: /Expected a request body of at most 10485760 bytes/ },
  {
    what: "an oversized multipart upload",
    path: "/post",
    method: "POST",
    body: Buffer.concat([
      Buffer.from('--b\r\nContent-Disposition: form-data; name="f"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'),
      Buffer.alloc(10 * 1024 * 1024 + 1, 0x61),
      Buffer.from("\r\n--b--\r\n"),
    ]),
    type: "multipart/form-data; boundary=b",
    status: 413,
    error: /Expected a request body of at most 10485760 bytes/,
  },
];

describe("bad input", () => {
  for (const bad of BAD_INPUT) {
    test(`${bad.what} gets a ${bad.status} with a JSON error saying what was expected`, async () => {
      const res = await send(agent, `${server.url}${bad.path}`, {
        method: bad.method ?? "GET",
        ...(bad.body === undefined ? {} : { body: bad.body }),
        ...(bad.type === undefined ? {} : { headers: { "content-type": bad.type } }),
      });
      assert.equal(res.status, bad.status, res.text);
      assert.match(String(res.headers["content-type"]), /^application\/json/);
      const body = res.json();
      assertObject(body);
      assert.match(String(body.error), bad.error);
      assert.equal(body.status, bad.status);
    });
  }

  test("after all the bad input the server still serves both ports", async () => {
    assert.equal((await send(agent, `${server.url}/get`)).status, 200);
    const h2 = testAgent({ ca: server.ca, allowH2: true });
    try {
      assert.equal((await send(h2, `${server.h2Url}/get`)).status, 200);
    } finally {
      await h2.close();
    }
  });
});
