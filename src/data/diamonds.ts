/**
 * The course's data: the diamonds table chapter 11 loads with `from dfply import diamonds`
 * (53,940 rows). It is fetched at set-up from dfply's wheel on PyPI into `data/diamonds.csv`
 * (`make setup`), never synthesised and never committed.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";

/** One row of the diamonds table, with the columns and types pandas shows. */
export interface Diamond {
  carat: number;
  cut: string;
  color: string;
  clarity: string;
  depth: number;
  table: number;
  price: number;
  x: number;
  y: number;
  z: number;
}

/** The diamonds columns, in the table's order. */
export const DIAMOND_COLUMNS: readonly (keyof Diamond)[] = [
  "carat", "cut", "color", "clarity", "depth", "table", "price", "x", "y", "z",
];

/** The columns pandas reads as float64 (shown as `55.0`, not `55`). */
export const DIAMOND_FLOAT_COLUMNS: readonly (keyof Diamond)[] = ["carat", "depth", "table", "x", "y", "z"];

const TEXT_COLUMNS = new Set<keyof Diamond>(["cut", "color", "clarity"]);

/** Options for {@link loadDiamonds}. */
export interface LoadDiamondsOptions {
  /** CSV file to read. Default: `$DIAMONDS_CSV`, else `data/diamonds.csv` in the course folder. */
  path?: string;
}

/** Thrown when the data file is missing or not the table expected. */
export class DataError extends Error {
  override name = "DataError";
}

/** Where the diamonds CSV is looked for when no path is given. */
export function defaultDiamondsPath(): string {
  return process.env.DIAMONDS_CSV ?? fileURLToPath(new URL("../../data/diamonds.csv", import.meta.url));
}

/**
 * Load the diamonds table (53,940 rows) as typed objects, numbers parsed.
 *
 * @example
 *   const diamonds = loadDiamonds();
 *   console.log(formatTable(diamonds.slice(0, 5), { floats: DIAMOND_FLOAT_COLUMNS }));   // diamonds.head()
 *   const cuts = diamonds.map((d) => d.cut);           // like diamonds.cut.tolist()
 * @throws DataError when the file is missing (run `make setup`) or its header is not the diamonds header.
 */
export function loadDiamonds(options: LoadDiamondsOptions = {}): Diamond[] {
  const path = options.path ?? defaultDiamondsPath();
  if (!existsSync(path)) {
    throw new DataError(`Expected the diamonds table at ${path}; run 'make setup' (it fetches dfply's data from PyPI) or set DIAMONDS_CSV`);
  }
  const records = parse(readFileSync(path, "utf8"), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const header = Object.keys(records[0] ?? {});
  if (header.join(",") !== DIAMOND_COLUMNS.join(",")) {
    throw new DataError(`Expected the columns ${DIAMOND_COLUMNS.join(", ")} in ${path}, got ${header.join(", ") || "none"}`);
  }
  return records.map((r, i) => {
    const row = {} as Record<string, string | number>;
    for (const col of DIAMOND_COLUMNS) {
      const raw = r[col] ?? "";
      if (TEXT_COLUMNS.has(col)) {
        row[col] = raw;
      } else {
        const n = Number(raw);
        if (raw === "" || !Number.isFinite(n)) {
          throw new DataError(`Expected a number in column ${col} of row ${i}, got ${JSON.stringify(raw)}`);
        }
        row[col] = n;
      }
    }
    return row as unknown as Diamond;
  });
}
