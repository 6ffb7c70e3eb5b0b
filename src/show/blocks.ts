/**
 * Bars drawn with Unicode blocks, to 1/8 of a character: the progress bar's `████▌     ` and the
 * text form of the bar chart.
 */

// tqdm's Unicode partial blocks: index k draws k/8 of a cell.
const PARTIALS = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉"] as const;
const FULL = "█";

/** The bar itself: full blocks, one 1/8-step partial block, then spaces; always `width` characters. */
export function formatBar(fraction: number, width = 10): string {
  const frac = Math.min(1, Math.max(0, fraction));
  const eighths = Math.floor(frac * width * 8);
  const full = Math.floor(eighths / 8);
  if (full >= width) return FULL.repeat(width);
  return FULL.repeat(full) + PARTIALS[eighths % 8] + " ".repeat(width - full - 1);
}
