/**
 * From samples to the bench's results: median and range per side, the TypeScript ÷ Python
 * speed ratio, efficiency against the ideal, the course's targets; and the two renderings,
 * a text table for the terminal and RESULTS.md. Pure: nothing here runs or prints.
 */
import type { CaseSpec, Runner } from "./cases.js";

export interface SideResult {
  readonly label: string;
  readonly runner: Runner;
  readonly samples: readonly number[];
  /** null only when the side failed (see `error`). */
  readonly median: number | null;
  readonly min: number | null;
  readonly max: number | null;
  /** Ideal ÷ measured for times, measured ÷ ideal for rates; 1 = no overhead. null without an ideal. */
  readonly efficiency: number | null;
  readonly seconds: number;
  readonly extra: Readonly<Record<string, unknown>>;
  readonly error?: string;
}

export interface TargetResult {
  readonly text: string;
  readonly met: boolean;
  /** How far from the target, in words: "missed: 4.10× of 10×, 59% short". */
  readonly detail: string;
  /** The same for a table cell: "4.10× (≥ 10×)", "+7.7% (≤ +1.0%)". */
  readonly short: string;
  /** Why, when missed (see the case's target). */
  readonly why?: string;
}

export interface CaseResult {
  readonly id: string;
  readonly section: string;
  readonly title: string;
  readonly unit: string;
  readonly better: "higher" | "lower";
  readonly ideal: number | null;
  readonly idealWhy: string | null;
  readonly python: SideResult;
  readonly typescript: SideResult;
  /** How many times faster the TypeScript side is (speed ratio: >1 means TypeScript wins). */
  readonly ratio: number | null;
  readonly target: TargetResult | null;
  readonly note: string | null;
}

export interface Results {
  readonly schema: 1;
  readonly quick: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly seconds: number;
  readonly machine: Readonly<Record<string, unknown>>;
  readonly servers: Readonly<Record<string, string>>;
  readonly cases: readonly CaseResult[];
}

export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** One side's summary; a side with no finite samples is a failure, never NaN. */
export function summarizeSide(
  spec: CaseSpec,
  side: "python" | "typescript",
  samples: readonly number[],
  seconds: number,
  extra: Readonly<Record<string, unknown>>,
  error?: string,
): SideResult {
  const { label, runner } = spec[side];
  const finite = samples.filter((x) => Number.isFinite(x));
  const failure = error ?? (finite.length === 0 || finite.length !== samples.length ? `Expected finite samples, got ${JSON.stringify(samples)}` : undefined);
  if (failure !== undefined) {
    return { label, runner, samples: finite, median: null, min: null, max: null, efficiency: null, seconds, extra, error: failure };
  }
  const med = median(finite);
  const efficiency = spec.ideal === undefined ? null : spec.better === "lower" ? spec.ideal / med : med / spec.ideal;
  return { label, runner, samples: finite, median: med, min: Math.min(...finite), max: Math.max(...finite), efficiency, seconds, extra };
}

export function combine(spec: CaseSpec, python: SideResult, typescript: SideResult): CaseResult {
  const ratio =
    python.median === null || typescript.median === null || python.median <= 0 || typescript.median <= 0
      ? null
      : spec.better === "higher"
        ? typescript.median / python.median
        : python.median / typescript.median;
  return {
    id: spec.id,
    section: spec.section,
    title: spec.title,
    unit: spec.unit,
    better: spec.better,
    ideal: spec.ideal ?? null,
    idealWhy: spec.idealWhy ?? null,
    python,
    typescript,
    ratio,
    target: judge(spec, ratio, typescript.efficiency),
    note: spec.note ?? null,
  };
}

function judge(spec: CaseSpec, ratio: number | null, efficiency: number | null): TargetResult | null {
  const result = measureTarget(spec, ratio, efficiency);
  const why = spec.target?.whyMissed;
  return result === null || result.met || why === undefined ? result : { ...result, why };
}

function measureTarget(spec: CaseSpec, ratio: number | null, efficiency: number | null): TargetResult | null {
  const target = spec.target;
  if (target === undefined) return null;
  if (target.ratioAtLeast !== undefined) {
    if (ratio === null) return { text: target.text, met: false, detail: "not measured", short: "not measured" };
    const met = ratio >= target.ratioAtLeast;
    const short = 1 - ratio / target.ratioAtLeast;
    return {
      text: target.text,
      met,
      detail: met ? `met: ${fmtRatio(ratio)}` : `missed: ${fmtRatio(ratio)} of ${target.ratioAtLeast}×, ${(short * 100).toFixed(0)}% short`,
      short: `${fmtRatio(ratio)} (≥ ${target.ratioAtLeast}×)`,
    };
  }
  if (target.efficiencyAtLeast !== undefined) {
    if (efficiency === null) return { text: target.text, met: false, detail: "not measured", short: "not measured" };
    const met = efficiency >= target.efficiencyAtLeast;
    const over = `${efficiency <= 1 ? "+" : "−"}${(Math.abs(1 / efficiency - 1) * 100).toFixed(1)}%`;
    const allowed = `+${((1 / target.efficiencyAtLeast - 1) * 100).toFixed(1)}%`;
    return {
      text: target.text,
      met,
      detail: `${met ? "met" : "missed"}: ${over} over ideal (allowed ${allowed})`,
      short: `${over} (≤ ${allowed})`,
    };
  }
  return null;
}

/** A number for a table: thousands grouped, about three significant digits. */
export function fmt(x: number | null): string {
  if (x === null) return "—";
  const abs = Math.abs(x);
  if (abs >= 1000) return Math.round(x).toLocaleString("en");
  if (abs >= 100) return x.toFixed(0);
  if (abs >= 10) return x.toFixed(1);
  if (abs >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

export function fmtRatio(ratio: number | null): string {
  if (ratio === null) return "—";
  return ratio >= 100 ? `${ratio.toFixed(0)}×` : ratio >= 10 ? `${ratio.toFixed(1)}×` : `${ratio.toFixed(2)}×`;
}

function fmtPercent(x: number | null): string {
  return x === null ? "—" : `${(x * 100).toFixed(0)}%`;
}

function fmtSide(side: SideResult): string {
  if (side.error !== undefined) return "FAILED";
  return `${fmt(side.median)} [${fmt(side.min)}–${fmt(side.max)}]`;
}

/** The table's rows as cells, header first (shared by the text and Markdown renderings). */
export function tableRows(results: Results): string[][] {
  const rows: string[][] = [["case", "unit", "ideal", "Python median [range]", "TypeScript median [range]", "TS÷Py", "eff Py", "eff TS", "target"]];
  for (const c of results.cases) {
    rows.push([
      c.title,
      c.unit,
      fmt(c.ideal),
      `${c.python.label}: ${fmtSide(c.python)}`,
      `${c.typescript.label}: ${fmtSide(c.typescript)}`,
      fmtRatio(c.ratio),
      fmtPercent(c.python.efficiency),
      fmtPercent(c.typescript.efficiency),
      c.target === null ? "" : `${c.target.met ? "✔" : "✘"} ${c.target.short}`,
    ]);
  }
  return rows;
}

/** Aligned text for the terminal. */
export function formatText(results: Results): string {
  const rows = tableRows(results);
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? "")].length)));
  const numeric = new Set([2, 5, 6, 7]);
  const line = (r: string[]): string =>
    r
      .map((cell, i) => {
        const pad = (widths[i] as number) - [...cell].length;
        return numeric.has(i) ? " ".repeat(pad) + cell : cell + " ".repeat(pad);
      })
      .join("  ")
      .trimEnd();
  const [head, ...body] = rows as [string[], ...string[][]];
  const out = [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)];
  const missed = results.cases.filter((c) => c.target !== null && !c.target.met).map((c) => `- missed: ${c.title} (${c.target?.text ?? ""}): ${c.target?.detail ?? ""}`);
  return [header(results), "", ...out, "", ...notes(results), ...missed].join("\n");
}

function header(results: Results): string {
  const m = results.machine;
  return [
    `concurrency-lab bench — ${results.quick ? "QUICK (fewer reps, smaller counts, 10 s cases scaled down: not the full numbers)" : "full run"}`,
    `${String(m.cpus)} cores, load ${String(m.loadStart)} → ${String(m.loadEnd)}, Node ${String(m.node)}, Python ${String(m.python)}; ${results.seconds.toFixed(0)} s`,
    "TS÷Py = how many times faster the TypeScript side is (for times: Python ÷ TypeScript); eff = ideal ÷ measured time (or measured ÷ ideal speed-up).",
  ].join("\n");
}

function notes(results: Results): string[] {
  const out: string[] = [];
  for (const c of results.cases) {
    if (c.note !== null) out.push(`- ${c.title}: ${c.note}`);
    const cpu = [c.python, c.typescript].map((side) => side.extra.clientCpuUsPerRequest);
    if (cpu.every((x) => typeof x === "number" && Number.isFinite(x))) {
      out.push(`- ${c.title}: client CPU per request (median run): ${c.python.label} ${fmt(cpu[0] as number)} µs, ${c.typescript.label} ${fmt(cpu[1] as number)} µs.`);
    }
    const rates = [c.python, c.typescript].map((side) => [side.extra.untracedPerS, side.extra.tracedPerS]);
    if (rates.flat().every((x) => typeof x === "number" && Number.isFinite(x))) {
      const both = [c.python, c.typescript].map((side, i) => `${side.label} ${fmt(rates[i]?.[0] as number)} rounds/s untraced, ${fmt(rates[i]?.[1] as number)} traced`);
      out.push(`- ${c.title}: ${both.join("; ")}.`);
    }
    for (const side of [c.python, c.typescript]) {
      if (side.error !== undefined) out.push(`- ${c.title}: ${side.label} FAILED: ${side.error.split("\n").slice(-3).join(" ")}`);
    }
  }
  return out;
}

/** RESULTS.md: the same table in Markdown, the targets, the machine and the notes. */
export function formatMarkdown(results: Results): string {
  const rows = tableRows(results).map((r) => r.map((cell) => cell.replaceAll("|", "\\|")));
  const [head, ...body] = rows as [string[], ...string[][]];
  const md = [`| ${head.join(" | ")} |`, `|${head.map((_, i) => ([2, 5, 6, 7].includes(i) ? "---:" : "---")).join("|")}|`, ...body.map((r) => `| ${r.join(" | ")} |`)];
  const targets = results.cases
    .filter((c) => c.target !== null)
    .map((c) => `- ${c.target?.met === true ? "✔" : "✘"} **${c.title}** (${c.target?.text ?? ""}): ${c.target?.detail ?? ""}.${c.target?.why === undefined ? "" : ` Why: ${c.target.why}`}`);
  const servers = Object.entries(results.servers).map(([name, url]) => `- ${name}: ${url}`);
  return [
    "# concurrency-lab bench: the chapter's Python and the course's TypeScript, side by side",
    "",
    `Written by \`make bench${results.quick ? " QUICK=1" : ""}\` on ${results.finishedAt}: ${header(results).split("\n")[1] ?? ""}.`,
    "",
    header(results).split("\n")[2] ?? "",
    "",
    "Only ratios measured in the same run mean anything: the machine is shared and noisy.",
    "",
    ...md,
    "",
    "## Targets",
    "",
    ...targets,
    "",
    "## Notes",
    "",
    ...notes(results),
    "",
    "## Servers and machine",
    "",
    ...servers,
    `- machine: \`${JSON.stringify(results.machine)}\``,
    "",
  ].join("\n");
}
