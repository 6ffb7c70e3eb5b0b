/**
 * concurrency-lab — the helper library behind the course notebooks.
 * This file only re-exports; each concept lives in its own module.
 */
export { timeIt, timeSync, formatDuration, describe } from "./timing.js";
export type { Timed } from "./timing.js";
export { loadDiamonds, defaultDiamondsPath, DIAMOND_COLUMNS, DIAMOND_FLOAT_COLUMNS, DataError } from "./data.js";
export type { Diamond, LoadDiamondsOptions } from "./data.js";
export { formatTable } from "./table.js";
export type { FormatTableOptions } from "./table.js";
export { Semaphore, Lock, AbortedWaitError } from "./semaphore.js";
export { show, showText, isKernel, getDisplayTarget, setDisplayTarget, createTextTarget, createRecordingTarget } from "./display.js";
export type { DisplayMode, DisplayTarget, LiveOutput, Showable, RecordedOutput, RecordingTarget, TextTargetOptions } from "./display.js";
export { progressBar, track, trackSync, formatProgress, formatBar, formatInterval } from "./progress.js";
export type { ProgressBar, ProgressBarOptions, ProgressState } from "./progress.js";
export { startServer, stopServer, serverInfo, httpbinUrl } from "./server/start.js";
export type { StartServerOptions, LocalServer } from "./server/start.js";
export { courseAgent } from "./server/agent.js";
export type { CourseAgentOptions } from "./server/agent.js";
export { RATE_LIMIT_MESSAGE, SERVER_KEEP_ALIVE_MS } from "./server/constants.js";
export { bench, benchSync, compare, comparisonOf, describeSpeedup } from "./timing.js";
export type { BenchOptions, BenchResult, CompareOptions, Comparison, ComparisonRow } from "./timing.js";
export { summarize, median, quantile, mean, stdev } from "./stats.js";
export type { Summary } from "./stats.js";
export { createTimeline, packLanes } from "./timeline.js";
export type { Span, TimelineOptions, TimelineRecorder } from "./timeline.js";
export { probeEventLoop } from "./loop-probe.js";
export type { LoopProbeOptions, LoopProbeResult, LoopDelay } from "./loop-probe.js";
export { barChart, comparisonChart } from "./charts/bar.js";
export type { BarDatum, BarChartOptions, RatioStyle, ComparisonChartOptions } from "./charts/bar.js";
export { lineChart } from "./charts/line.js";
export type { LineSeries, LineChartOptions } from "./charts/line.js";
export { timelineChart, heartbeatChart } from "./charts/timeline.js";
export type { TimelineChartOptions, HeartbeatChartOptions } from "./charts/timeline.js";
export type { Chart, ChartKind } from "./charts/chart.js";
export { PALETTE } from "./charts/svg.js";
export { Parallel, withParallel, delayed, isDelayed, cpuCount, ParallelTaskError, UnshippableFunctionError, closePools, listPools, sqrt, sleep, nlargest, lower, loadUrl, fib } from "./parallel/index.js";
export type { ParallelRunner, Delayed, ResultOf, ParallelOptions, Prefer, BackendName, PoolInfo, LoadUrlOptions } from "./parallel/index.js";
export { createLogger, formatAsctime, formatLogMessage, CHAPTER_LOG_FORMAT } from "./logging.js";
export type { Logger, LoggerOptions, LogLevel } from "./logging.js";
export { watchDisplay } from "./display-watch.js";
export type { WatchedTarget } from "./display-watch.js";
export { http2Agent } from "./h2-agent.js";
export type { Http2AgentOptions } from "./h2-agent.js";
export { traceConnections } from "./connections.js";
export type { ConnectionTrace, TracedConnection, TracedRequest } from "./connections.js";
export { claim, ClaimError, isStrict, machineLoad, setStrict } from "./show/claim.js";
export type { ClaimOptions, MachineLoad } from "./show/claim.js";
