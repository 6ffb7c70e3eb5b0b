/**
 * Tables as text, the way pandas prints `df.head()`: an index column, right-aligned numbers,
 * left-aligned text. Pure: returns a string, prints nothing.
 */

/** Options for {@link formatTable}. */
export interface FormatTableOptions {
  /** Columns to show, in order. Default: the keys of the first row. */
  columns?: readonly string[];
  /** Show a 0-based index column, like pandas. Default: true. */
  index?: boolean;
  /** Digits after the decimal point in float columns. Default: as many as the longest value needs (at least one). */
  digits?: number;
  /** Columns that are floats even where the values shown happen to be whole (pandas' float64: `55.0`). Default: none. */
  floats?: readonly string[];
}

/**
 * Format rows of objects as an aligned text table.
 *
 * @example
 *   formatTable(loadDiamonds().slice(0, 5))
 *   //    carat      cut color clarity  depth  table  price     x     y     z
 *   // 0   0.23    Ideal     E     SI2   61.5   55.0    326  3.95  3.98  2.43
 * @throws TypeError when rows is not an array of objects.
 */
export function formatTable(rows: readonly object[], options: FormatTableOptions = {}): string {
  if (!Array.isArray(rows) || rows.some((r) => typeof r !== "object" || r === null)) {
    throw new TypeError("Expected rows to be an array of objects");
  }
  const records = rows as readonly Record<string, unknown>[];
  const columns = options.columns ?? Object.keys(records[0] ?? {});
  const showIndex = options.index ?? true;
  // A column of numbers where any is fractional is printed with a fixed number of decimals, like pandas.
  const decimals = new Map<string, number>();
  for (const col of columns) {
    const values = records.map((r) => r[col]);
    if (values.length > 0 && values.every((v) => typeof v === "number")) {
      const nums = values as number[];
      const isFloat = (options.floats ?? []).includes(col) || nums.some((n) => !Number.isInteger(n));
      const needed = Math.max(1, ...nums.map((n) => (String(n).split(".")[1] ?? "").length));
      decimals.set(col, isFloat ? (options.digits ?? needed) : 0);
    }
  }
  const cell = (col: string, v: unknown): string => {
    const d = decimals.get(col);
    if (typeof v === "number" && d !== undefined) return v.toFixed(d);
    return v === undefined || v === null ? "" : String(v);
  };
  const header = [...(showIndex ? [""] : []), ...columns];
  const body = records.map((r, i) => [...(showIndex ? [String(i)] : []), ...columns.map((c) => cell(c, r[c]))]);
  const widths = header.map((h, j) => Math.max(h.length, ...body.map((row) => (row[j] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, j) => (j === 0 && showIndex ? c.padEnd(widths[j] ?? 0) : c.padStart(widths[j] ?? 0))).join("  ");
  return [line(header), ...body.map(line)].join("\n");
}
