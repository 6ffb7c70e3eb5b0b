/**
 * Parsing numbers from paths and query strings, with errors that say what was expected.
 * Every number a client sends is bounded here, so no request can ask the server to sleep
 * for an hour or allocate a gigabyte.
 */
import { badRequest, quote } from "./errors.js";

/** Bounds and default for one numeric parameter. */
export interface NumberRule {
  /** The parameter's name as the client writes it, used in error messages. */
  readonly name: string;
  /** Smallest accepted value (inclusive). */
  readonly min: number;
  /** Largest value: bigger values are rejected, or clamped when `clamp` is set (httpbin clamps /delay to 10). */
  readonly max: number;
  /** Clamp values above `max` instead of rejecting them. */
  readonly clamp?: boolean;
  /** Require an integer. */
  readonly integer?: boolean;
  /** Used when the parameter is absent. */
  readonly fallback?: number;
  /** What the number means, for the error message ("seconds", "bytes"). */
  readonly unit?: string;
}

/** A strict decimal number: no hex, no empty string, no "1e999", no trailing garbage. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/**
 * Parse `raw` (a path segment or query value) by `rule`.
 * @throws HttpError 400 "Expected <name> to be …, got …" for anything out of bounds or not a number.
 */
export function parseNumber(raw: unknown, rule: NumberRule): number {
  if (raw === undefined || raw === "") {
    if (rule.fallback !== undefined) return rule.fallback;
    throw badRequest(`Expected ${describeRule(rule)}, got nothing`);
  }
  const text = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (typeof text !== "string" || !DECIMAL.test(text.trim())) {
    throw badRequest(`Expected ${describeRule(rule)}, got ${quote(raw)}`);
  }
  const value = Number(text);
  if (rule.integer === true && !Number.isInteger(value)) {
    throw badRequest(`Expected ${describeRule(rule)}, got ${quote(raw)}`);
  }
  if (value < rule.min) throw badRequest(`Expected ${describeRule(rule)}, got ${quote(raw)}`);
  if (value > rule.max) {
    if (rule.clamp === true) return rule.max;
    throw badRequest(`Expected ${describeRule(rule)}, got ${quote(raw)}`);
  }
  return value;
}

function describeRule(rule: NumberRule): string {
  const kind = rule.integer === true ? "an integer" : "a number";
  const unit = rule.unit === undefined ? "" : ` of ${rule.unit}`;
  const range = rule.clamp === true ? `>= ${rule.min} (values above ${rule.max} are capped)` : `from ${rule.min} to ${rule.max}`;
  return `${rule.name} to be ${kind}${unit} ${range}`;
}
