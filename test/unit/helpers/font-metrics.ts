/**
 * Text widths from a real font file, for layout tests: the advance width of each character read
 * from the TrueType tables (`cmap` format 4 for the glyph, `hmtx` for its width). The charts name
 * DejaVu Sans first in their font list, and Debian ships it as fonts-dejavu-core.
 */
import { readFileSync, existsSync } from "node:fs";

/** Where Debian puts DejaVu Sans. */
export const DEJAVU_SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/** A function giving the width in px of `text` at `sizePx`, or `undefined` when the font is missing. */
export function loadTextWidth(path = DEJAVU_SANS): ((text: string, sizePx: number) => number) | undefined {
  if (!existsSync(path)) return undefined;
  const font = readFileSync(path);
  const tables = new Map<string, number>();
  const count = font.readUInt16BE(4);
  for (let i = 0; i < count; i++) {
    const at = 12 + 16 * i;
    tables.set(font.toString("latin1", at, at + 4), font.readUInt32BE(at + 8));
  }
  const table = (tag: string): number => {
    const offset = tables.get(tag);
    if (offset === undefined) throw new Error(`${path} has no ${tag} table`);
    return offset;
  };
  const unitsPerEm = font.readUInt16BE(table("head") + 18);
  const longMetrics = font.readUInt16BE(table("hhea") + 34);
  const hmtx = table("hmtx");
  const cmap = table("cmap");
  let format4: number | undefined;
  for (let i = 0; i < font.readUInt16BE(cmap + 2); i++) {
    const rec = cmap + 4 + 8 * i;
    const sub = cmap + font.readUInt32BE(rec + 4);
    if (font.readUInt16BE(rec) === 3 && font.readUInt16BE(rec + 2) === 1 && font.readUInt16BE(sub) === 4) format4 = sub;
  }
  if (format4 === undefined) throw new Error(`${path} has no Unicode BMP cmap`);
  const segs = font.readUInt16BE(format4 + 6) / 2;
  const ends = format4 + 14;
  const starts = ends + 2 * segs + 2;
  const deltas = starts + 2 * segs;
  const rangeOffsets = deltas + 2 * segs;
  const glyphOf = (code: number): number => {
    for (let s = 0; s < segs; s++) {
      if (code > font.readUInt16BE(ends + 2 * s)) continue;
      const start = font.readUInt16BE(starts + 2 * s);
      if (code < start) return 0;
      const rangeOffset = font.readUInt16BE(rangeOffsets + 2 * s);
      if (rangeOffset === 0) return (code + font.readInt16BE(deltas + 2 * s)) & 0xffff;
      const glyph = font.readUInt16BE(rangeOffsets + 2 * s + rangeOffset + 2 * (code - start));
      return glyph === 0 ? 0 : (glyph + font.readInt16BE(deltas + 2 * s)) & 0xffff;
    }
    return 0;
  };
  const advance = (glyph: number): number => font.readUInt16BE(hmtx + 4 * Math.min(glyph, longMetrics - 1));
  return (text, sizePx) => {
    let units = 0;
    for (const ch of text) units += advance(glyphOf(ch.codePointAt(0) ?? 0));
    return (units / unitsPerEm) * sizePx;
  };
}
