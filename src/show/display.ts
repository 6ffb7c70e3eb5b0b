/**
 * Display routing: one step, separate from the pure chart functions, that decides where a
 * picture goes. Inside the tslab kernel a chart is sent as one output carrying three forms:
 * an inline SVG (`image/svg+xml`), which a trusted JupyterLab, the exported HTML and GitHub's
 * notebook viewer draw; a PNG of it (`image/png`), which JupyterLab draws when the notebook is
 * *not* trusted (an executed copy handed to students), where it never draws SVG; and its text
 * form (`text/plain`). Anywhere else (a terminal, a test) the text form is printed.
 *
 * The target is chosen once, on first use, and can be replaced with {@link setDisplayTarget}
 * (tests use {@link createRecordingTarget} to see what would have been sent).
 */
import { createRequire } from "node:module";
import { sep } from "node:path";
import { describeValue } from "../internal/describe.js";
import { renderPng } from "./charts/png.js";

/** Where outputs go: `"kernel"` for tslab's rich display, `"text"` for plain printing. */
export type DisplayMode = "kernel" | "text";

/** One output area that can be replaced in place (tslab's `newDisplay()` in the kernel). */
export interface LiveOutput {
  /** Replace the output with `data` of MIME type `mime` (the first call creates it). */
  update(mime: string, data: string): void;
}

/** Where {@link show}, {@link showText} and the progress bar send their outputs. */
export interface DisplayTarget {
  /** `"kernel"`: rich MIME outputs are shown; `"text"`: only `text/plain` is printed. */
  readonly mode: DisplayMode;
  /** Send one output of MIME type `mime`. A text target prints `text/plain` and ignores the rest. */
  send(mime: string, data: string): void;
  /** Open an output that later calls replace (kernel) or append to as new lines (text). */
  live(): LiveOutput;
  /**
   * Send one output that carries the same content in several MIME types (`{ mime: data }`,
   * preferred first); the viewer picks the richest it may draw. A target without it gets
   * `send` of the first MIME type instead.
   */
  sendBundle?(bundle: Readonly<Record<string, string>>): void;
}

/** What a chart must offer to be shown: a text form and an SVG form. */
export interface Showable {
  /** Plain text (monospace) form, printed outside the kernel. */
  readonly text: string;
  /** Standalone `<svg>` document, sent to JupyterLab inside the kernel. */
  readonly svg: string;
}

/** One output recorded by {@link createRecordingTarget}. */
export interface RecordedOutput {
  /** The MIME type that would have been sent, e.g. `"image/svg+xml"` or `"text/plain"`. */
  readonly mime: string;
  /** The payload. */
  readonly data: string;
  /** For live outputs: which `live()` output it belongs to (0, 1, …); `undefined` for `send`. */
  readonly liveId: number | undefined;
  /** `true` when it replaces an earlier output of the same live output (`update_display_data`). */
  readonly isUpdate: boolean;
  /** For `sendBundle`: every MIME type of the output and its data (`mime`/`data` are the first). */
  readonly bundle?: Readonly<Record<string, string>>;
}

/** A {@link DisplayTarget} that keeps what it was sent, for tests. */
export interface RecordingTarget extends DisplayTarget {
  /** Every output, in order. */
  readonly outputs: RecordedOutput[];
}

/** Options of {@link createTextTarget}. */
export interface TextTargetOptions {
  /** Where lines go. Default: `process.stdout.write(line + "\n")` (looked up at each call, so tslab's capture works). */
  write?: (line: string) => void;
}

/** The subset of tslab's public `Display` this module uses. */
interface TslabDisplay {
  raw(contentType: string, b: string): unknown;
}
interface TslabPublic {
  display: TslabDisplay;
  newDisplay(): TslabDisplay;
  /** tslab's own sender of a `display_data` message (jupyter.js), which takes several MIME types. */
  writeDisplayData?: (content: { data: Record<string, string>; metadata: object; transient: object }, update: boolean) => void;
}

const nodeRequire = createRequire(import.meta.url);
const JUPYTER_MODULE = `${sep}tslab${sep}dist${sep}jupyter.js`;

let current: DisplayTarget | undefined;

/**
 * Find the running tslab kernel's own public module, or `undefined` outside a kernel.
 *
 * Why not `import "tslab"`: cells get tslab through a hook in tslab's executor, but the library
 * is loaded by Node's ordinary loader, which could resolve a *different* copy of tslab whose
 * display functions were never connected to Jupyter (and loading tslab also loads a whole
 * TypeScript compiler, ~0.5 s, for nothing outside the kernel). The kernel process has already
 * `require`d its own `tslab/dist/jupyter.js`, so its entry in the CommonJS module cache both
 * proves we run inside a kernel and tells which copy to use.
 */
function findKernelTslab(): TslabPublic | undefined {
  if (!process.argv.includes("kernel")) return undefined;
  const jupyterPath = Object.keys(nodeRequire.cache).find((key) => key.endsWith(JUPYTER_MODULE));
  if (jupyterPath === undefined) return undefined;
  try {
    const load = createRequire(jupyterPath);
    const mod = load("./public.js") as Partial<TslabPublic>;
    if (typeof mod.newDisplay !== "function" || typeof mod.display?.raw !== "function") return undefined;
    // tslab's public display sends one MIME type per message; the sender behind it (set while a
    // cell runs) takes a whole bundle. Read it at each call: tslab replaces it for every cell.
    const jupyter = load("./jupyter.js") as { lastWriteDisplayData?: TslabPublic["writeDisplayData"] | null };
    return {
      display: mod.display,
      newDisplay: mod.newDisplay,
      get writeDisplayData() {
        return jupyter.lastWriteDisplayData ?? undefined;
      },
    };
  } catch {
    return undefined;
  }
}

/** A target that sends every output through tslab's display API (one MIME type per message). */
function createKernelTarget(tslab: TslabPublic): DisplayTarget {
  return {
    mode: "kernel",
    send(mime, data) {
      tslab.display.raw(mime, data);
    },
    sendBundle(bundle) {
      const write = tslab.writeDisplayData;
      if (write) write({ data: { ...bundle }, metadata: {}, transient: {} }, false);
      else for (const [mime, data] of Object.entries(bundle).slice(0, 1)) tslab.display.raw(mime, data);
    },
    live() {
      const display = tslab.newDisplay();
      return {
        update(mime, data) {
          display.raw(mime, data);
        },
      };
    },
  };
}

/**
 * A target that prints text: `text/plain` outputs as lines, other MIME types ignored;
 * a live output prints each update as a new line (like tqdm's output in a log file).
 */
export function createTextTarget(options: TextTargetOptions = {}): DisplayTarget {
  const write = options.write ?? ((line: string) => void process.stdout.write(line + "\n"));
  if (typeof write !== "function") {
    throw new TypeError(`Expected write to be a function, got ${describeValue(write)}`);
  }
  return {
    mode: "text",
    send(mime, data) {
      if (mime === "text/plain") write(data);
    },
    live() {
      return {
        update(mime, data) {
          if (mime === "text/plain") write(data);
        },
      };
    },
  };
}

/**
 * A target that records outputs instead of showing them, for tests.
 * @param mode - which mode it pretends to be: `"kernel"` records every MIME type,
 *   `"text"` records only `text/plain` (as a text target would print). Default `"kernel"`.
 */
export function createRecordingTarget(mode: DisplayMode = "kernel"): RecordingTarget {
  if (mode !== "kernel" && mode !== "text") {
    throw new TypeError(`Expected mode to be "kernel" or "text", got ${describeValue(mode)}`);
  }
  const outputs: RecordedOutput[] = [];
  let nextLiveId = 0;
  const keep = (mime: string): boolean => mode === "kernel" || mime === "text/plain";
  return {
    mode,
    outputs,
    send(mime, data) {
      if (keep(mime)) outputs.push({ mime, data, liveId: undefined, isUpdate: false });
    },
    sendBundle(bundle) {
      const kept = Object.fromEntries(Object.entries(bundle).filter(([mime]) => keep(mime)));
      const [first] = Object.entries(kept);
      if (first) outputs.push({ mime: first[0], data: first[1], liveId: undefined, isUpdate: false, bundle: kept });
    },
    live() {
      const liveId = nextLiveId++;
      let started = false;
      return {
        update(mime, data) {
          if (!keep(mime)) return;
          // In the kernel the first message creates the output and later ones replace it;
          // as text every update is a new line.
          outputs.push({ mime, data, liveId, isUpdate: mode === "kernel" && started });
          started = true;
        },
      };
    },
  };
}

/**
 * The target outputs go to now: the one set with {@link setDisplayTarget}, otherwise the tslab
 * kernel's display when this process is a tslab kernel, otherwise a text target on stdout.
 */
export function getDisplayTarget(): DisplayTarget {
  if (current === undefined) {
    const tslab = findKernelTslab();
    current = tslab ? createKernelTarget(tslab) : createTextTarget();
  }
  return current;
}

/** `true` for an object that can serve as a {@link DisplayTarget} (it has `send` and `live`). */
export function isDisplayTarget(value: unknown): value is DisplayTarget {
  return typeof value === "object" && value !== null &&
    typeof (value as DisplayTarget).send === "function" && typeof (value as DisplayTarget).live === "function";
}

/**
 * Replace the display target (tests, or to force text inside the kernel);
 * `undefined` goes back to detecting it. Returns the previous target so it can be restored.
 */
export function setDisplayTarget(target: DisplayTarget | undefined): DisplayTarget | undefined {
  if (target !== undefined && !isDisplayTarget(target)) {
    throw new TypeError(`Expected target to be a DisplayTarget (mode, send, live) or undefined, got ${describeValue(target)}`);
  }
  const previous = current;
  current = target;
  return previous;
}

/** `true` when outputs go to a tslab kernel's rich display (see {@link getDisplayTarget}). */
export function isKernel(): boolean {
  return getDisplayTarget().mode === "kernel";
}

/**
 * The MIME bundle of a chart in the kernel: its SVG, a PNG of it (base64) where the rasterizer
 * loads, and its text form. The SVG comes first: trusted views prefer it; untrusted JupyterLab
 * draws the PNG.
 */
export function chartBundle(chart: Showable): Record<string, string> {
  const png = renderPng(chart.svg);
  return {
    "image/svg+xml": chart.svg,
    ...(png ? { "image/png": png.png.toString("base64") } : {}),
    "text/plain": chart.text,
  };
}

/**
 * Show a chart: in the tslab kernel as one output with an inline SVG picture (`image/svg+xml`,
 * kept in the saved notebook), a PNG of it for untrusted views and its text form (see
 * {@link chartBundle}); anywhere else as its text form. A string is shown as text.
 *
 * @example
 *   show(barChart([{ label: "sequential", value: 10 }, { label: "concurrent", value: 2 }], { title: "5 GETs", unit: "s" }));
 */
export function show(chart: Showable | string): void {
  if (typeof chart === "string") {
    showText(chart);
    return;
  }
  if (typeof chart !== "object" || chart === null || typeof chart.svg !== "string" || typeof chart.text !== "string") {
    throw new TypeError(`Expected chart to be a chart (with .text and .svg) or a string, got ${describeValue(chart)}`);
  }
  const target = getDisplayTarget();
  if (target.mode !== "kernel") target.send("text/plain", chart.text);
  else if (target.sendBundle) target.sendBundle(chartBundle(chart));
  else target.send("image/svg+xml", chart.svg);
}

/**
 * Show text as it is, in every mode (`text/plain`: a monospace block in JupyterLab).
 * Use it for the text form of a chart inside the kernel: `showText(chart.text)`.
 */
export function showText(text: string): void {
  if (typeof text !== "string") {
    throw new TypeError(`Expected text to be a string, got ${describeValue(text)}`);
  }
  getDisplayTarget().send("text/plain", text);
}
