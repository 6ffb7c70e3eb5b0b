/**
 * concurrency-lab — the helper library behind the course notebooks.
 *
 * This file only re-exports, grouped by layer in the order the layers depend on each other
 * (measure ← show ← async/http ← parallel; server and data stand apart), each group sorted,
 * values before types. Helpers that exist only for tests live in `testing.ts`.
 */

// measure — timing, benchmarks, statistics, timelines, the event-loop probe and tracer
export { bench, benchSync, compare, describeSpeedup } from "./measure/bench.js";
export { probeEventLoop } from "./measure/loop-probe.js";
export { LOOP_LANES, traceLoop } from "./measure/loop-trace.js";
export { mean, median, quantile, stdev, summarize } from "./measure/stats.js";
export { formatDuration, timeIt, timeSync } from "./measure/time.js";
export { createTimeline, packLanes } from "./measure/timeline.js";
export type { BenchOptions, BenchResult, CompareOptions, Comparison, ComparisonRow } from "./measure/bench.js";
export type { LoopDelay, LoopProbeOptions, LoopProbeResult } from "./measure/loop-probe.js";
export type { LoopEvent, LoopEventKind, LoopLane, LoopTrace, LoopUtilization, MarkFunction, TraceLoopOptions } from "./measure/loop-trace.js";
export type { Summary } from "./measure/stats.js";
export type { Timed } from "./measure/time.js";
export type { Span, TimelineOptions, TimelineRecorder } from "./measure/timeline.js";

// show — where outputs go, charts, progress bars, tables, logging, checks
export { formatBar } from "./show/blocks.js";
export { barChart, comparisonChart } from "./show/charts/bar.js";
export { lineChart } from "./show/charts/line.js";
export { loopReplay, loopTraceChart } from "./show/charts/loop.js";
export { PALETTE } from "./show/charts/svg.js";
export { heartbeatChart, timelineChart } from "./show/charts/timeline.js";
export { claim, ClaimError, isStrict, machineLoad, setStrict } from "./show/claim.js";
export { watchDisplay } from "./show/display-watch.js";
export { createTextTarget, getDisplayTarget, isKernel, setDisplayTarget, show, showText } from "./show/display.js";
export { CHAPTER_LOG_FORMAT, createLogger, formatAsctime, formatLogMessage } from "./show/logging.js";
export { formatInterval, formatProgress, progressBar, track, trackSync } from "./show/progress.js";
export { formatTable } from "./show/table.js";
export type { BarChartOptions, BarDatum, ComparisonChartOptions, RatioStyle } from "./show/charts/bar.js";
export type { Chart, ChartKind } from "./show/charts/chart.js";
export type { LineChartOptions, LineSeries } from "./show/charts/line.js";
export type { LoopReplayOptions, LoopTraceChartOptions } from "./show/charts/loop.js";
export type { HeartbeatChartOptions, TimelineChartOptions } from "./show/charts/timeline.js";
export type { ClaimOptions, MachineLoad } from "./show/claim.js";
export type { WatchedTarget } from "./show/display-watch.js";
export type { DisplayMode, DisplayTarget, LiveOutput, Showable, TextTargetOptions } from "./show/display.js";
export type { Logger, LoggerOptions, LogLevel } from "./show/logging.js";
export type { ProgressBar, ProgressBarOptions, ProgressState } from "./show/progress.js";
export type { FormatTableOptions } from "./show/table.js";

// async — asyncio's Semaphore and Lock
export { AbortedWaitError, Lock, Semaphore } from "./async/semaphore.js";

// http — the course's undici agents and the connection trace
export { traceConnections } from "./http/connections.js";
export { courseAgent } from "./http/course-agent.js";
export { http2Agent } from "./http/h2-agent.js";
export type { ConnectionTrace, TracedConnection, TracedRequest } from "./http/connections.js";
export type { CourseAgentOptions } from "./http/course-agent.js";
export type { Http2AgentOptions } from "./http/h2-agent.js";

// parallel — joblib's Parallel and delayed over worker threads and child processes
export { closePools, cpuCount, delayed, fib, isDelayed, listPools, loadUrl, lower, nlargest, Parallel, ParallelTaskError, sleep, sqrt, UnshippableFunctionError, withParallel } from "./parallel/index.js";
export type { BackendName, Delayed, LoadUrlOptions, ParallelOptions, ParallelRunner, PoolInfo, Prefer, ResultOf } from "./parallel/index.js";

// server — the local httpbin-compatible server, seen from the kernel
export { RATE_LIMIT_MESSAGE, SERVER_KEEP_ALIVE_MS } from "./server/constants.js";
export { httpbinUrl, serverInfo, startServer, stopServer } from "./server/start.js";
export type { LocalServer, StartServerOptions } from "./server/start.js";

// data — the chapter's data sets
export { DataError, defaultDiamondsPath, DIAMOND_COLUMNS, DIAMOND_FLOAT_COLUMNS, loadDiamonds } from "./data/diamonds.js";
export type { Diamond, LoadDiamondsOptions } from "./data/diamonds.js";
