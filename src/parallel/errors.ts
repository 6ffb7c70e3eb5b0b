/**
 * The errors `Parallel` throws besides plain `TypeError`s for bad arguments.
 */
import { inspect } from "node:util";
import type { MissingName } from "./free-names.js";
import { TASKS } from "./tasks.js";

/** A short, one-line rendering of a task's arguments for messages: `sqrt(-1)`, `lower(42)`. */
export function formatCall(functionName: string, args: readonly unknown[]): string {
  const shown = args.map((arg) =>
    inspect(arg, { depth: 1, breakLength: Infinity, maxArrayLength: 5, maxStringLength: 40, compact: true }));
  return `${functionName || "(anonymous)"}(${shown.join(", ")})`;
}

/**
 * A task failed: thrown by `Parallel(...)(items)` for the first task that threw (in completion
 * order), after the tasks not yet started have been cancelled.
 *
 * @example
 *   try { await Parallel({ nJobs: 2 })(items) }
 *   catch (e) { if (e instanceof ParallelTaskError) console.log(e.index, e.input, e.cause) }
 */
export class ParallelTaskError extends Error {
  /** Position of the failing task in the input (0-based). */
  readonly index: number;
  /** The failing task's arguments, as given to `delayed(fn)(...)`. */
  readonly input: readonly unknown[];
  /** The name of the failing task's function (`""` when anonymous). */
  readonly functionName: string;

  /**
   * @param index the failing task's position in the input
   * @param total how many tasks the run had
   * @param cause what the task threw.
   */
  constructor(index: number, total: number, functionName: string, input: readonly unknown[], cause: unknown, detail = "") {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`Task ${index} of ${total}, ${formatCall(functionName, input)}, failed${detail}: ${reason}`, { cause });
    this.name = "ParallelTaskError";
    this.index = index;
    this.input = input;
    this.functionName = functionName;
  }
}

/**
 * A function cannot run in a worker thread or process, found before any task ran: it uses a
 * name defined outside itself (workers receive only its source text), or it has no source
 * (a built-in or a bound function), or it is a class.
 */
export class UnshippableFunctionError extends TypeError {
  /** The function's name (`""` when anonymous). */
  readonly functionName: string;
  /** The names it uses from outside itself (empty for the other reasons). */
  readonly missing: readonly string[];

  /**
   * @param functionName the function that cannot be shipped
   * @param missing the outside names it uses.
   */
  constructor(functionName: string, message: string, missing: readonly string[] = []) {
    super(message);
    this.name = "UnshippableFunctionError";
    this.functionName = functionName;
    this.missing = missing;
  }

  /** The error for a function that uses names from outside itself. */
  static forMissingNames(functionName: string, names: readonly MissingName[]): UnshippableFunctionError {
    const list = names.map((n) => `\`${n.name}\``);
    const joined = list.length === 1 ? list[0] : `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`;
    const one = names.length === 1;
    const label = functionName ? `\`${functionName}\`` : "this function";
    let message = `Cannot run ${label} in a worker: it uses ${joined}, which ${one ? "is" : "are"} defined outside the function; ` +
      `pass ${one ? "it as an argument" : "them as arguments"} or define ${one ? "it" : "them"} inside.`;
    const hints: string[] = [];
    if (names.some((n) => n.origin === "cell")) hints.push("A worker sees only the function's own text, not the names of other cells.");
    if (names.some((n) => n.origin === "import")) {
      hints.push("Imported functions cannot be passed to a worker either; the library's tasks (sqrt, sleep, nlargest, lower, loadUrl, fib) can be used directly as delayed(sqrt)(x).");
    }
    const tasks = names.filter((n) => TASKS.has(n.name)).map((n) => n.name);
    if (tasks.length > 0) {
      hints.push(`${tasks.map((t) => `\`${t}\``).join(", ")} ${tasks.length === 1 ? "is a library task" : "are library tasks"}: give ${tasks.length === 1 ? "it" : "them"} to delayed directly, e.g. delayed(${tasks[0]})(x).`);
    }
    if (functionName && names.some((n) => n.name === functionName)) {
      hints.push(`To let it call itself, write it as \`function ${functionName}(…) { … }\`: a function expression's own name is defined inside it.`);
    }
    if (hints.length > 0) message += " " + hints.join(" ");
    return new UnshippableFunctionError(functionName, message, names.map((n) => n.name));
  }
}

/** The error an aborted run rejects with: the signal's reason, like `fetch` does. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}
