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
