/**
 * Error text: how an error message names the value it got ("Expected runs to be a positive
 * integer, got number 0"). Internal to the library: every layer may use it, nothing re-exports it.
 */

/** A short description of a value for error messages: its type, and its value when small. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  if (typeof value === "object") return Array.isArray(value) ? `array(${value.length})` : "object";
  return `${typeof value} ${String(value)}`;
}
