/**
 * Facts about the local server that notebooks may check, kept free of server imports so the
 * library's entry point can re-export them without loading Fastify into a kernel.
 */

/** The chapter's words for a ban, in the 403 body of /limited: "your IP is requesting too often". */
export const RATE_LIMIT_MESSAGE = "您的IP访问频率过高";

/**
 * How long the local server keeps an idle keep-alive connection open (ms): longer than any pause
 * in the notebooks. A server that dropped idle pooled connections after 2 s made 5 of 15 requests
 * of a semaphore demo fail (measured).
 */
export const SERVER_KEEP_ALIVE_MS = 120_000;
