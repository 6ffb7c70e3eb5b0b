/**
 * An undici Agent for the course: trusts the local server's generated CA (and the usual
 * public CAs, so HTTPBIN_URL=https://httpbin.org works too), with timeouts that fail a
 * hung request in seconds instead of minutes.
 */
import { rootCertificates } from "node:tls";
import { Agent } from "undici";
import { serverInfo } from "./start.js";

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
  const connections = options.connections;
  if (connections !== undefined && !(Number.isInteger(connections) && connections > 0)) {
    throw new RangeError(`Expected connections to be a positive integer, got ${String(connections)}`);
  }
  return new Agent({
    allowH2: options.allowH2 ?? false,
    ...(connections === undefined ? {} : { connections }),
    headersTimeout: timeout,
    bodyTimeout: timeout,
    keepAliveTimeout: positive("keepAliveTimeoutMs", options.keepAliveTimeoutMs, 60_000),
    // `ca` replaces Node's default trust store, so the public roots are passed along too.
    connect: { ca: [...rootCertificates, ...extra], timeout: positive("connectTimeoutMs", options.connectTimeoutMs, 10_000) },
  });
}
