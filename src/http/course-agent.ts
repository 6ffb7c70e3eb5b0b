/**
 * An undici Agent for the course: trusts the local server's generated CA (and the usual
 * public CAs, so HTTPBIN_URL=https://httpbin.org works too), with timeouts that fail a
 * hung request in seconds instead of minutes.
 */
import { Agent } from "undici";
import { trustingContext } from "./trust.js";
import { serverInfo } from "../server/start.js";

/** Options for {@link courseAgent}; every field has a default. */
export interface CourseAgentOptions {
  /** Negotiate HTTP/2 over TLS when the server offers it (ALPN). Default false: HTTP/1.1 only. */
  readonly allowH2?: boolean;
  /**
   * Most connections per origin. Default: no limit, one per concurrent request.
   * For HTTP/2 pass 1: undici otherwise opens a connection for each request that arrives
   * while the first is still connecting, and the multiplexing demo shows ten connections.
   */
  readonly connections?: number;
  /**
   * Most requests in flight on one connection at once: HTTP/1.1 pipelining, or HTTP/2 streams.
   * Default 1. undici applies it to HTTP/2 too, so multiplexing needs `connections: 1` plus a
   * larger value here — see http2Agent(), which sets both.
   */
  readonly pipelining?: number;
  /** Fail when response headers, or a pause in the body, take longer than this (ms). Default 30 000. */
  readonly timeoutMs?: number;
  /** Fail a TCP/TLS connect after this many ms. Default 10 000. */
  readonly connectTimeoutMs?: number;
  /**
   * Close an idle pooled connection after this many ms unless the server says otherwise.
   * Default 60 000 — shorter than the local server's 120 s, so the client always closes first
   * and never reuses a connection the server is closing.
   */
  readonly keepAliveTimeoutMs?: number;
  /** Extra CA certificates (PEM) to trust. Default: the running local server's CA, if any. */
  readonly ca?: string | readonly string[];
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`Expected ${name} to be a positive number, got ${String(value)}`);
  return value;
}

function positiveInteger(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
    throw new RangeError(`Expected ${name} to be a positive integer, got ${String(value)}`);
  }
  return value;
}

/**
 * Make an undici Agent (a Dispatcher) for course requests. Call it after startServer() so it
 * trusts the local HTTP/2 certificate. Close it with `await agent.close()` when done.
 *
 * @example
 *   import { request } from "undici";
 *   const agent = courseAgent({ allowH2: true, connections: 1 }); // one multiplexed HTTP/2 connection
 *   const res = await request(`${server.h2Url}/get`, { dispatcher: agent });
 */
export function courseAgent(options: CourseAgentOptions = {}): Agent {
  const timeout = positive("timeoutMs", options.timeoutMs, 30_000);
  const extra = options.ca === undefined ? [serverInfo()?.ca].filter((ca): ca is string => ca !== undefined) : typeof options.ca === "string" ? [options.ca] : [...options.ca];
  const connections = positiveInteger("connections", options.connections);
  const pipelining = positiveInteger("pipelining", options.pipelining);
  const secureContext = trustingContext(extra);
  return new Agent({
    allowH2: options.allowH2 ?? false,
    ...(connections === undefined ? {} : { connections }),
    ...(pipelining === undefined ? {} : { pipelining }),
    headersTimeout: timeout,
    bodyTimeout: timeout,
    keepAliveTimeout: positive("keepAliveTimeoutMs", options.keepAliveTimeoutMs, 60_000),
    connect: { secureContext, timeout: positive("connectTimeoutMs", options.connectTimeoutMs, 10_000) },
  });
}
