/**
 * One Fastify application with every route of the local server. The server process builds
 * it twice from the same code: plain HTTP/1.1 on one port, HTTP/2 over TLS on another.
 *
 * Why Fastify: it does the routing, the body-size limit and content-type dispatch, speaks
 * HTTP/2 with ALPN fallback to HTTP/1.1 (`http2: true, https: { allowHTTP1: true }`),
 * logs through pino to a file, and its multipart plugin (busboy) parses form uploads —
 * all the parsing a hand-written server would get subtly wrong.
 */
import Fastify from "fastify";
import type { FastifyError, FastifyInstance, FastifyServerOptions } from "fastify";
import { registerBodyParsers } from "./body.js";
import { registerBookstoreRoutes } from "./bookstore.js";
import { SERVER_KEEP_ALIVE_MS } from "./constants.js";
import { prettyJson, sendJson } from "./echo.js";
import { registerHttpbinRoutes } from "./httpbin.js";
import { RateLimiter, registerRateLimitedRoute } from "./rate-limit.js";
import { COURSE_INFO_PATH, splitStudentPath, type CourseServerInfo } from "./protocol.js";
import { rememberStudent } from "./students.js";

/** The largest request body accepted (bytes); past it the answer is 413. */
export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

/** A sink for log lines (pino calls `write` with one JSON line). */
export interface LogStream {
  write(line: string): void;
}

/** How to build one application. */
export interface AppOptions {
  /** Serve HTTP/2 over TLS (with HTTP/1.1 fallback by ALPN) using this key and certificate. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** Shared between the two ports, so a client cannot dodge the limit by switching protocol. */
  readonly limiter?: RateLimiter;
  /** Where pino writes its request log, one JSON line per call; no logging when absent. */
  readonly logStream?: LogStream;
  /** Body size limit in bytes (default 10 MiB). */
  readonly bodyLimit?: number;
  /** What GET {@link COURSE_INFO_PATH} answers (the running server's URLs and CA); 404 when absent. */
  readonly courseInfo?: () => CourseServerInfo | undefined;
}

/** Build (but do not start) the application. */
export async function buildApp(options: AppOptions = {}): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const common = {
    logger: options.logStream === undefined ? false : { level: "info", stream: options.logStream },
    bodyLimit,
    keepAliveTimeout: SERVER_KEEP_ALIVE_MS,
    // No per-connection request cap and no whole-connection timeout: sleepers hold
    // connections for up to 10 s by design.
    connectionTimeout: 0,
    maxRequestsPerSocket: 0,
    // close() must not wait 120 s for idle keep-alive sockets.
    forceCloseConnections: true,
    return503OnClosing: false,
    // `/u/<student>/get` is `/get` for that student (rate-limit key); see protocol.ts.
    rewriteUrl: (raw: { url?: string }) => {
      const { student, path } = splitStudentPath(raw.url ?? "/");
      if (student !== undefined) rememberStudent(raw, student);
      return path;
    },
  } satisfies FastifyServerOptions;
  // The HTTP/2 instance has different server generics; the routes use only the
  // protocol-neutral request/reply API, so one typing serves both.
  const app = (
    options.tls === undefined
      ? Fastify(common)
      : Fastify({ ...common, http2: true, http2SessionTimeout: SERVER_KEEP_ALIVE_MS, https: { allowHTTP1: true, key: options.tls.key, cert: options.tls.cert } })
  ) as unknown as FastifyInstance;

  // httpbin pretty-prints its JSON, and the book prints those bytes: do the same for every object reply.
  app.setReplySerializer(prettyJson);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    let message = explain(error, bodyLimit);
    // busboy's parse errors carry no status: a broken upload is the client's fault, not ours.
    if (error.statusCode === undefined && request.isMultipart()) {
      status = 400;
      message = `Expected a well-formed multipart/form-data body: ${error.message}`;
    }
    if (status >= 500) request.log.error({ err: error }, "request failed");
    return sendJson(reply, { error: message, status }, status);
  });
  app.setNotFoundHandler((request, reply) =>
    sendJson(reply, { error: `No route for ${request.method} ${request.url.split("?")[0]}; expected one of the paths listed at /`, status: 404 }, 404),
  );

  await registerBodyParsers(app, bodyLimit);
  registerHttpbinRoutes(app);
  const limiter = options.limiter ?? new RateLimiter();
  registerBookstoreRoutes(app, limiter);
  registerRateLimitedRoute(app, limiter);
  app.get(COURSE_INFO_PATH, (_request, reply) => {
    const info = options.courseInfo?.();
    return info === undefined ? sendJson(reply, { error: "This server does not describe itself", status: 404 }, 404) : sendJson(reply, info);
  });
  app.get("/", (_request, reply) => reply.type("text/html; charset=utf-8").send(INDEX_HTML));
  return app;
}

/** Turn Fastify's and busboy's terse messages into ones that say what was expected. */
function explain(error: FastifyError, bodyLimit: number): string {
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
    case "FST_REQ_FILE_TOO_LARGE":
      return `Expected a request body of at most ${bodyLimit} bytes`;
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return "Expected the Content-Length header to match the body's length";
    case "FST_INVALID_MULTIPART_CONTENT_TYPE":
      return "Expected a multipart/form-data body with a boundary";
    default:
      return error.message;
  }
}

const INDEX_HTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>concurrency-lab local httpbin</title></head>
<body>
<h1>concurrency-lab — a local httpbin</h1>
<p>Same paths and JSON shapes as httpbin.org, for a class that works offline.</p>
<ul>
<li><a href="/get">/get</a>, /post, /put, /patch, /delete, <a href="/anything">/anything</a> — echo args, data, files, form, headers, json, origin, url</li>
<li><a href="/delay/2">/delay/:n</a> — answer after n seconds (fractions allowed, at most 10)</li>
<li><a href="/status/418">/status/:codes</a> — e.g. /status/200:0.7,500:0.3</li>
<li><a href="/headers">/headers</a>, <a href="/ip">/ip</a>, <a href="/user-agent">/user-agent</a>, <a href="/uuid">/uuid</a></li>
<li><a href="/bytes/16">/bytes/:n</a>, <a href="/stream/3">/stream/:n</a>, <a href="/drip?duration=2&amp;numbytes=5">/drip</a></li>
<li><a href="/html">/html</a>, <a href="/json">/json</a>, <a href="/robots.txt">/robots.txt</a></li>
<li>Course extras: <a href="/books/">/books/</a> — a bookstore (50 pages, ?delay=seconds, ?limit=n&amp;window=seconds to ban fast clients);
<a href="/limited?limit=5&amp;window=1">/limited?limit=5&amp;window=1</a> — 403 您的IP访问频率过高 past the limit</li>
</ul>
</body></html>
`;
