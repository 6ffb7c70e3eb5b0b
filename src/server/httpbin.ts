/**
 * The httpbin-compatible routes: same paths, methods, status codes and JSON shapes as
 * httpbin.org, so a cell written against one runs unchanged against the other.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyInstance, FastifyReply } from "fastify";
import { badRequest, quote } from "./errors.js";
import { echo, echoArgs, echoHeaders, echoOrigin, echoUrl, sendJson } from "./echo.js";
import { parseNumber } from "./params.js";
import { DENY_TXT, MOBY_DICK_HTML, ROBOTS_TXT, SLIDESHOW, TEAPOT } from "./static.js";

/** The methods httpbin's /delay and /status answer to. */
const BODY_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

type Params<K extends string> = { Params: Record<K, string> };

/** Register every httpbin route on `app`. */
export function registerHttpbinRoutes(app: FastifyInstance): void {
  app.get("/get", (request) => echo(request, { body: false, method: false }));
  for (const method of ["POST", "PUT", "PATCH", "DELETE"] as const) {
    app.route({ method, url: `/${method.toLowerCase()}`, handler: (request) => echo(request, { body: true, method: false }) });
  }
  app.all("/anything", (request) => echo(request, { body: true, method: true }));
  app.all("/anything/*", (request) => echo(request, { body: true, method: true }));

  // /delay/2 is the chapter's slow page. Each sleeper is one timer, not a thread, so
  // hundreds of them wait at once; httpbin caps the delay at 10 s, and so do we.
  app.route<Params<"n">>({
    method: [...BODY_METHODS],
    url: "/delay/:n",
    handler: async (request) => {
      const seconds = parseNumber(request.params.n, { name: "delay", min: 0, max: 10, clamp: true, unit: "seconds" });
      await sleep(seconds * 1000);
      return echo(request, { body: true, json: false, method: false });
    },
  });

  app.route<Params<"codes">>({
    method: [...BODY_METHODS],
    url: "/status/:codes",
    handler: (request, reply) => sendStatus(reply, chooseStatus(request.params.codes)),
  });

  // /status/302 points here, as on httpbin; the last hop lands on /get.
  app.get<Params<"n">>("/redirect/:n", (request, reply) => {
    const hops = parseNumber(request.params.n, { name: "n", min: 1, max: 20, integer: true, unit: "redirects" });
    return reply.redirect(hops <= 1 ? "/get" : `/redirect/${hops - 1}`, 302);
  });

  app.get("/headers", (request) => ({ headers: echoHeaders(request) }));
  app.get("/ip", (request) => ({ origin: echoOrigin(request) }));
  app.get("/user-agent", (request) => ({ "user-agent": request.headers["user-agent"] ?? null }));
  app.get("/uuid", () => ({ uuid: randomUUID() }));

  app.get<Params<"n"> & { Querystring: { seed?: string } }>("/bytes/:n", (request, reply) => {
    // httpbin caps /bytes at 100 KiB.
    const n = parseNumber(request.params.n, { name: "n", min: 0, max: 100 * 1024, clamp: true, integer: true, unit: "bytes" });
    const seed = request.query.seed;
    const bytes = seed === undefined ? randomBytes(n) : seededBytes(n, parseNumber(seed, { name: "seed", min: 0, max: 2 ** 32 - 1, integer: true }));
    return reply.type("application/octet-stream").send(bytes);
  });

  app.get<Params<"n">>("/stream/:n", (request, reply) => {
    const n = parseNumber(request.params.n, { name: "n", min: 0, max: 100, clamp: true, integer: true, unit: "lines" });
    const line = { url: echoUrl(request), args: echoArgs(request), headers: echoHeaders(request), origin: echoOrigin(request) };
    const lines = Array.from({ length: n }, (_, id) => `${JSON.stringify({ ...line, id })}\n`);
    return reply.type("application/json").send(Readable.from(lines));
  });

  app.get<{ Querystring: Record<string, string | undefined> }>("/drip", async (request, reply) => {
    const q = request.query;
    const duration = parseNumber(q.duration, { name: "duration", min: 0, max: 60, fallback: 2, unit: "seconds" });
    const numbytes = parseNumber(q.numbytes, { name: "numbytes", min: 0, max: 10 * 1024 * 1024, integer: true, fallback: 10, unit: "bytes" });
    const code = parseNumber(q.code, { name: "code", min: 200, max: 599, integer: true, fallback: 200 });
    const delay = parseNumber(q.delay, { name: "delay", min: 0, max: 10, fallback: 0, unit: "seconds" });
    await sleep(delay * 1000);
    return reply
      .code(code)
      .type("application/octet-stream")
      .header("content-length", numbytes)
      .send(dripStream(numbytes, duration));
  });

  app.get("/html", (_request, reply) => reply.type("text/html; charset=utf-8").send(MOBY_DICK_HTML));
  app.get("/json", () => SLIDESHOW);
  app.get("/robots.txt", (_request, reply) => reply.type("text/plain").send(ROBOTS_TXT));
  app.get("/deny", (_request, reply) => reply.type("text/plain").send(DENY_TXT));
}

/**
 * Pick a status from "404" or a weighted list "200:0.7,500:0.3" (httpbin's syntax;
 * a code without a weight weighs 1).
 * @throws HttpError 400 when a code is not an integer from 200 to 599 or a weight is not a positive number.
 */
export function chooseStatus(spec: string, random: () => number = Math.random): number {
  const choices = spec.split(",").map((item) => {
    const [codeText = "", weightText] = item.split(":");
    const code = parseNumber(codeText, { name: "status code", min: 200, max: 599, integer: true });
    const weight = weightText === undefined ? 1 : parseNumber(weightText, { name: `the weight of ${code}`, min: 0, max: 1e6 });
    return { code, weight };
  });
  const total = choices.reduce((sum, c) => sum + c.weight, 0);
  if (!(total > 0)) throw badRequest(`Expected at least one positive weight in ${quote(spec)}`);
  let point = random() * total;
  for (const choice of choices) {
    point -= choice.weight;
    if (point < 0) return choice.code;
  }
  return choices[choices.length - 1]?.code ?? 200;
}

/** Answer with `code`, adding the headers and bodies httpbin adds for a few of them. */
function sendStatus(reply: FastifyReply, code: number): FastifyReply {
  reply.code(code);
  if ([301, 302, 303, 305, 307].includes(code)) return reply.header("location", "/redirect/1").send();
  if (code === 401) return reply.header("www-authenticate", 'Basic realm="Fake Realm"').send();
  if (code === 407) return reply.header("proxy-authenticate", 'Basic realm="Fake Realm"').send();
  if (code === 418) return reply.header("x-more-info", "http://tools.ietf.org/html/rfc2324").type("text/plain").send(TEAPOT);
  if (code === 406) {
    return sendJson(reply, { message: "Client did not request a supported media type.", accept: ["image/webp", "image/svg+xml", "image/jpeg", "image/png", "image/*"] }, 406);
  }
  return reply.type("text/html; charset=utf-8").send("");
}

/** Reproducible bytes for /bytes/:n?seed=… (mulberry32: tiny, and good enough for test data). */
function seededBytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let state = seed >>> 0;
  for (let i = 0; i < n; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

/**
 * `numbytes` asterisks spread evenly over `duration` seconds, as httpbin does:
 *
 *   t=0 * . . * . . * . . * t=duration     (a chunk, then a pause of duration/chunks, repeated)
 *
 * Up to 100 bytes go one per chunk; more are grouped into 100 chunks so a large drip
 * does not become millions of timers. The pause is aborted when the client goes away.
 */
function dripStream(numbytes: number, duration: number): Readable {
  const abort = new AbortController();
  const chunks = Math.min(numbytes, 100);
  const pauseMs = chunks === 0 ? 0 : (duration * 1000) / chunks;
  async function* drip(): AsyncGenerator<Buffer> {
    let sent = 0;
    for (let i = 1; i <= chunks; i++) {
      const upTo = Math.round((numbytes * i) / chunks);
      yield Buffer.alloc(upTo - sent, "*");
      sent = upTo;
      if (pauseMs > 0) await sleep(pauseMs, undefined, { signal: abort.signal });
    }
  }
  const stream = Readable.from(drip());
  stream.once("close", () => abort.abort());
  return stream;
}
