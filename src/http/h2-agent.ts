/**
 * An undici Agent that really multiplexes HTTP/2: one connection per origin, many requests
 * in flight on it at once as streams — httpx's `AsyncClient(http2=True)` in JS terms.
 *
 * Why not just `new Agent({ allowH2: true })`: in undici 7 a connection carries at most
 * `pipelining` requests at once, and that defaults to 1 even for HTTP/2 (measured with
 * undici 7.30). So with `allowH2` alone, ten concurrent requests either open ten HTTP/2
 * connections (no `connections` limit) or queue one behind the other on one connection
 * (`connections: 1`). Both settings are needed:
 *
 *   allowH2 only                 10 requests → 10 h2 connections, 1 stream each
 *   allowH2 + connections: 1     10 requests → 1 connection, one stream at a time (10× slower)
 *   allowH2 + connections: 1
 *           + pipelining: 100    10 requests → 1 connection, 10 streams at once   ← this agent
 */
import type { Agent } from "undici";
import { courseAgent } from "./course-agent.js";

/** Options for {@link http2Agent}; every field has a default. */
export interface Http2AgentOptions {
  /** Most requests in flight on the one connection (HTTP/2 streams). Default 100, the usual server limit. */
  readonly streams?: number;
  /** Fail when response headers, or a pause in the body, take longer than this (ms). Default 30 000. */
  readonly timeoutMs?: number;
  /** Fail a TCP/TLS connect after this many ms. Default 10 000. */
  readonly connectTimeoutMs?: number;
  /** Extra CA certificates (PEM) to trust. Default: the running local server's CA, if any (public roots are always trusted). */
  readonly ca?: string | readonly string[];
}

/**
 * Make an undici Agent that negotiates HTTP/2 (ALPN) and sends all concurrent requests to an
 * origin as streams of ONE connection. Call it after startServer() so it trusts the local
 * server's certificate. Close it with `await agent.close()` when done.
 *
 * If a server only speaks HTTP/1.1, the same agent pipelines up to `streams` requests on one
 * connection; use courseAgent() for HTTP/1.1 work.
 *
 * @example
 *   import { request } from "undici";
 *   const agent = http2Agent();
 *   try {
 *     await Promise.all(urls.map((u) => request(u, { dispatcher: agent }).then((r) => r.body.text())));
 *   } finally {
 *     await agent.close();
 *   }
 * @throws RangeError when an option is not a positive number (streams: a positive integer).
 */
export function http2Agent(options: Http2AgentOptions = {}): Agent {
  const streams = options.streams;
  if (streams !== undefined && !(Number.isInteger(streams) && streams > 0)) {
    throw new RangeError(`Expected streams to be a positive integer, got ${String(streams)}`);
  }
  return courseAgent({
    allowH2: true,
    connections: 1,
    pipelining: streams ?? 100,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  });
}
