/**
 * Which certificate authorities the course's HTTP clients trust: Node's public roots plus the
 * local server's own CA. Passing `ca` alone to a TLS connect *replaces* the public roots, so
 * `HTTPBIN_URL=https://httpbin.org` would then fail: every agent builds its trust here.
 */
import { createSecureContext, rootCertificates, type SecureContext } from "node:tls";

/** The public root certificates followed by `extra` (PEM), without repeats. */
export function trustedCertificates(extra: readonly string[]): string[] {
  return [...new Set([...rootCertificates, ...extra])];
}

/**
 * One TLS context trusting {@link trustedCertificates}: build it once per agent, because passing
 * the certificates on each connect makes Node parse ~140 of them again (~20 ms of CPU each time).
 */
export function trustingContext(extra: readonly string[]): SecureContext {
  return createSecureContext({ ca: trustedCertificates(extra) });
}
