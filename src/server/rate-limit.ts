/**
 * The rate-limited route of the chapter's 并发限制 section: past `limit` requests from one
 * client within `window` seconds, the server answers 403 "您的IP访问频率过高" ("your IP is
 * requesting too often"), like a site that bans scrapers.
 *
 *   GET /limited?limit=5&window=1&delay=0&key=demo
 *
 * A sliding window of the times of *accepted* requests, per client and per setting:
 *
 *   window = 1 s, limit = 5
 *   t=0.0  ✓✓✓✓✓ ✗✗✗        five accepted, the rest refused
 *   t=1.0+ ✓✓✓✓✓             the first five left the window: accepted again
 *
 * Refused requests do not count, so a client that backs off recovers after one window
 * (a real ban is usually harsher). With a semaphore of 5 around requests that each take
 * a window or longer, no request is ever refused — the point of the notebook.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { echoOrigin, sendJson } from "./echo.js";
import { RATE_LIMIT_MESSAGE } from "./constants.js";
import { parseNumber } from "./params.js";
import { studentOf } from "./students.js";

/** The verdict on one request. */
export interface RateVerdict {
  readonly allowed: boolean;
  /** Accepted requests in the window, this one included when allowed. */
  readonly count: number;
  /** Seconds until the oldest accepted request leaves the window (0 when allowed). */
  readonly retryAfter: number;
}

/** Sliding-window counters per key. One limiter is shared by the HTTP/1.1 and HTTP/2 ports. */
export class RateLimiter {
  readonly #hits = new Map<string, number[]>();
  readonly #maxKeys: number;
  readonly #now: () => number;

  /** @param maxKeys how many clients to remember before forgetting the least recently seen. */
  constructor(maxKeys = 10_000, now: () => number = () => performance.now()) {
    this.#maxKeys = maxKeys;
    this.#now = now;
  }

  /** Count a request for `key` against `limit` per `windowMs`, and say whether it may pass. */
  hit(key: string, limit: number, windowMs: number): RateVerdict {
    const now = this.#now();
    const times = (this.#hits.get(key) ?? []).filter((t) => now - t < windowMs);
    // Re-insert so Map order is least-recently-seen first, then forget the oldest clients.
    this.#hits.delete(key);
    this.#hits.set(key, times);
    for (const oldest of this.#hits.keys()) {
      if (this.#hits.size <= this.#maxKeys) break;
      this.#hits.delete(oldest);
    }
    if (times.length < limit) {
      times.push(now);
      return { allowed: true, count: times.length, retryAfter: 0 };
    }
    const first = times[0] ?? now;
    return { allowed: false, count: times.length, retryAfter: Math.max(0, (first + windowMs - now) / 1000) };
  }
}

type LimitedQuery = { Querystring: Record<string, string | undefined> };

/** A request's rate-limit setting (`?limit=&window=`) and the verdict on it. */
export interface LimitCheck {
  readonly limit: number;
  readonly window: number;
  readonly verdict: RateVerdict;
}

/**
 * Count `request` against the limit its query asks for (`limit` requests per `window` seconds,
 * defaults 5 per 1 s), per client, per `key` and per `scope` (the route family).
 */
export function checkRateLimit(limiter: RateLimiter, request: FastifyRequest, q: Record<string, string | undefined>, scope: string): LimitCheck {
  const limit = parseNumber(q.limit, { name: "limit", min: 1, max: 10_000, integer: true, fallback: 5, unit: "requests" });
  const window = parseNumber(q.window, { name: "window", min: 0.01, max: 3600, fallback: 1, unit: "seconds" });
  // The setting is part of the key, so two demos with different limits never share a count;
  // so is the student (`/u/<student>/…`), so students behind one address never do.
  const key = `${scope}|${echoOrigin(request)}|${studentOf(request)}|${q.key ?? ""}|${limit}|${window}`;
  return { limit, window, verdict: limiter.hit(key, limit, window * 1000) };
}

/** Send the 403 of a refused request: the chapter's message, and `Retry-After` in whole seconds. */
export function sendRefusal(reply: FastifyReply, { limit, window, verdict }: LimitCheck): FastifyReply {
  reply.header("retry-after", Math.ceil(verdict.retryAfter));
  return sendJson(
    reply,
    {
      error: RATE_LIMIT_MESSAGE,
      message: `Your IP is requesting too often: more than ${limit} requests in ${window} s. Expected at most ${limit} per ${window} s; retry in ${verdict.retryAfter.toFixed(2)} s.`,
      status: 403,
      limit,
      window,
      retryAfter: Number(verdict.retryAfter.toFixed(3)),
    },
    403,
  );
}

/** Register GET/POST /limited, counting against `limiter`. */
export function registerRateLimitedRoute(app: FastifyInstance, limiter: RateLimiter): void {
  app.route<LimitedQuery>({
    method: ["GET", "POST"],
    url: "/limited",
    handler: async (request, reply) => {
      const q = request.query;
      const delay = parseNumber(q.delay, { name: "delay", min: 0, max: 10, clamp: true, fallback: 0, unit: "seconds" });
      const check = checkRateLimit(limiter, request, q, "limited");
      if (!check.verdict.allowed) return sendRefusal(reply, check);
      if (delay > 0) await sleep(delay * 1000);
      return sendJson(reply, { ok: true, count: check.verdict.count, limit: check.limit, window: check.window, origin: echoOrigin(request) });
    },
  });
}
