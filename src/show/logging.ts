/**
 * A tiny logger that prints lines the way the chapter's Python does after
 * `logging.basicConfig(level=logging.INFO, format='%(asctime)s - %(levelname)s: %(message)s')`:
 *
 *     2023-04-25 23:57:39,196 - INFO: scraping https://httpbin.org/delay/2
 *
 * Python's `%`-style message arguments work too: `logger.info("total time %s seconds", t)`.
 * Lines go to stdout (`console.log`), never stderr, so a notebook cell stays clean.
 */
import { describeValue } from "../internal/describe.js";

/** Python's logging levels, lowest first. */
export type LogLevel = "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL";

const LEVELS: readonly LogLevel[] = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];

/** The chapter's format string: `%(asctime)s - %(levelname)s: %(message)s`. */
export const CHAPTER_LOG_FORMAT = "%(asctime)s - %(levelname)s: %(message)s";

/** Options of {@link createLogger}, Python's `logging.basicConfig` arguments. */
export interface LoggerOptions {
  /** Lines below this level are dropped. Default `"INFO"` (the chapter's `level=logging.INFO`). */
  level?: LogLevel;
  /**
   * Python logging format string; `%(asctime)s`, `%(levelname)s`, `%(message)s` and `%(name)s`
   * are filled in. Default {@link CHAPTER_LOG_FORMAT}.
   */
  format?: string;
  /** The logger's name, for `%(name)s`. Default `"root"`. */
  name?: string;
  /** Clock, for tests. Default `() => new Date()`. */
  now?: () => Date;
  /** Where a finished line goes. Default `console.log` (looked up at each call, so the kernel's capture works). */
  write?: (line: string) => void;
}

/** A logger made by {@link createLogger}. Each method takes a message and Python `%`-style arguments. */
export interface Logger {
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warning(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
  critical(message: string, ...args: unknown[]): void;
  /** The lowest level printed. */
  readonly level: LogLevel;
}

const two = (n: number): string => String(n).padStart(2, "0");

/**
 * Python logging's default `asctime` in local time: `2023-04-25 23:57:39,196`
 * (a comma before the milliseconds).
 */
export function formatAsctime(date: Date): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new TypeError(`Expected a valid Date, got ${describeValue(date)}`);
  }
  const day = `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
  const time = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
  return `${day} ${time},${String(date.getMilliseconds()).padStart(3, "0")}`;
}

function repr(value: unknown): string {
  if (typeof value === "string") return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(repr).join(", ")}]`;
  return String(value);
}

/**
 * Python's `message % args` for the specifiers logging messages use: `%s`, `%r`, `%d`, `%f`,
 * `%.Nf` and `%%`. A message without arguments is returned as it is (as Python does).
 * @example formatLogMessage("total time %s seconds", [10.02])   // "total time 10.02 seconds"
 * @throws TypeError when the message has more or fewer specifiers than arguments.
 */
export function formatLogMessage(message: string, args: readonly unknown[]): string {
  if (args.length === 0) return message;
  let used = 0;
  const out = message.replace(/%(?:\.(\d+))?([srdf%])/g, (whole, digits: string | undefined, kind: string) => {
    if (kind === "%") return "%";
    if (used >= args.length) throw new TypeError(`Expected ${used + 1} or more arguments for ${JSON.stringify(message)}, got ${args.length}`);
    const value = args[used++];
    if (kind === "s") return String(value);
    if (kind === "r") return repr(value);
    if (typeof value !== "number") throw new TypeError(`Expected a number for ${whole}, got ${describeValue(value)}`);
    if (kind === "d") return String(Math.trunc(value));
    return value.toFixed(digits === undefined ? 6 : Number(digits));
  });
  if (used !== args.length) {
    throw new TypeError(`Expected ${used} argument(s) for ${JSON.stringify(message)}, got ${args.length}`);
  }
  return out;
}

/**
 * Make a logger that prints like the chapter's `logging.basicConfig(level=logging.INFO,
 * format='%(asctime)s - %(levelname)s: %(message)s')`. Cheap to create: make one per cell.
 *
 * @example
 *   const logging = createLogger();
 *   logging.info("scraping %s", url);   // 2023-04-25 23:57:39,196 - INFO: scraping http://…/delay/2
 * @throws TypeError for an unknown level or a format that is not a string.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? "INFO";
  if (!LEVELS.includes(level)) throw new TypeError(`Expected level to be one of ${LEVELS.join(", ")}, got ${describeValue(level)}`);
  const format = options.format ?? CHAPTER_LOG_FORMAT;
  if (typeof format !== "string") throw new TypeError(`Expected format to be a string, got ${describeValue(format)}`);
  const name = options.name ?? "root";
  const now = options.now ?? (() => new Date());
  const write = options.write ?? ((line: string) => console.log(line));
  const threshold = LEVELS.indexOf(level);

  const emit = (at: LogLevel, message: string, args: unknown[]): void => {
    if (LEVELS.indexOf(at) < threshold) return;
    const text = formatLogMessage(String(message), args);
    const fields: Record<string, string> = { asctime: formatAsctime(now()), levelname: at, message: text, name };
    write(format.replace(/%\((\w+)\)s/g, (whole, key: string) => fields[key] ?? whole));
  };

  return {
    level,
    debug: (message, ...args) => emit("DEBUG", message, args),
    info: (message, ...args) => emit("INFO", message, args),
    warning: (message, ...args) => emit("WARNING", message, args),
    error: (message, ...args) => emit("ERROR", message, args),
    critical: (message, ...args) => emit("CRITICAL", message, args),
  };
}
