/**
 * A display target that shows everything exactly as another target does and also remembers the
 * latest text of each live output — so a cell can check, after the fact, what a progress bar drawn
 * somewhere it has no handle on (inside `Parallel`) last showed:
 *
 *     const watch = watchDisplay();
 *     await Parallel({ nJobs: 2, progress: { desc: "Diamonds", target: watch } })(tasks);
 *     watch.last()   // "Diamonds: 100%|██████████| 53940/53940 [00:00<00:00, 110143.05it/s]"
 */
import { getDisplayTarget, isDisplayTarget, type DisplayTarget } from "./display.js";
import { describeValue } from "../internal/describe.js";

/** What {@link watchDisplay} returns: a {@link DisplayTarget} that also keeps the latest text of its live outputs. */
export interface WatchedTarget extends DisplayTarget {
  /** The latest `text/plain` of each live output opened through this target, in the order they were opened. */
  readonly lastTexts: readonly string[];
  /** The latest `text/plain` of the most recently opened live output, or `undefined` before any. */
  last(): string | undefined;
}

/**
 * Wrap `target` (default: where outputs go now, {@link getDisplayTarget}) so every output still
 * goes there, and the latest text of each live output (a progress bar) is kept for checks.
 * Pass it as a progress bar's `target`.
 * @example
 *   const watch = watchDisplay();
 *   const bar = progressBar({ desc: "Pages", total: 3, target: watch });
 * @throws TypeError when `target` is not a DisplayTarget.
 */
export function watchDisplay(target: DisplayTarget = getDisplayTarget()): WatchedTarget {
  if (!isDisplayTarget(target)) {
    throw new TypeError(`Expected target to be a DisplayTarget (mode, send, live), got ${describeValue(target)}`);
  }
  const lastTexts: string[] = [];
  return {
    mode: target.mode,
    lastTexts,
    last: () => lastTexts[lastTexts.length - 1],
    send: (mime, data) => target.send(mime, data),
    ...(target.sendBundle ? { sendBundle: (bundle: Readonly<Record<string, string>>) => target.sendBundle?.(bundle) } : {}),
    live() {
      const output = target.live();
      const index = lastTexts.push("") - 1;
      return {
        update(mime, data) {
          if (mime === "text/plain") lastTexts[index] = data;
          output.update(mime, data);
        },
      };
    },
  };
}
