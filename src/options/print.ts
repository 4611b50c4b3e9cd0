/**
 * Print options as people write them on a command line or in a request: lengths with
 * units, font sizes, dpi, PNG scale, background. Pure parsing into points (no files, no
 * fonts; `--font` is checked by text/font-file.ts), with messages a user can act on.
 * fit/width.ts fits a figure to the parsed width.
 */

/** A parsed command-line value, or the message to print instead of a stack trace. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** Points per unit: PostScript points, so 1 in = 72 pt exactly, and CSS px = 1/96 in. */
const POINTS_PER_UNIT: Record<string, number> = {
  pt: 1,
  in: 72,
  mm: 72 / 25.4,
  cm: 72 / 2.54,
  px: 72 / 96,
};

/** Journal column widths people ask for by name. */
export const COLUMN_WIDTHS_MM = { single: 85, double: 178 } as const;

/** Limits that keep a typo (`--width 85m`, `--dpi 30000`) from producing a useless or huge file. */
const WIDTH_RANGE_PT: [number, number] = [36, 72 * 100];
const FONT_SIZE_RANGE_PT: [number, number] = [2, 144];
const DPI_RANGE: [number, number] = [10, 2400];
const SCALE_RANGE: [number, number] = [0.1, 40];

/** Renders a user value inside an error message without letting control characters through. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function parseNumber(text: string): number | undefined {
  if (!/^[+]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function inRange(value: number, [lo, hi]: [number, number]): boolean {
  return value >= lo && value <= hi;
}

/**
 * Parses a printed length such as `85mm`, `3.5in`, `240pt`, `8.5cm` or `320px` (CSS px,
 * 1/96 in) into points. A bare number is refused: `--width 85` could mean millimetres or
 * points, and guessing wrong prints a figure three times too big.
 */
export function parseLength(text: string, flag = "--width"): Parsed<number> {
  const trimmed = text.trim().toLowerCase();
  const match = /^(.*?)\s*(pt|mm|cm|in|px)?$/.exec(trimmed);
  const value = match ? parseNumber(match[1] ?? "") : undefined;
  if (!match || value === undefined) {
    return fail(`${flag}: ${quote(text)} is not a length; write a number with a unit, e.g. 85mm, 3.5in or 240pt`);
  }
  const unit = match[2];
  if (!unit) {
    return fail(`${flag}: ${quote(text)} has no unit; write ${value}mm, ${value}in or ${value}pt`);
  }
  const points = value * (POINTS_PER_UNIT[unit] ?? 1);
  if (!inRange(points, WIDTH_RANGE_PT)) {
    return fail(`${flag}: ${quote(text)} is outside 0.5in–100in (12.7mm–2540mm)`);
  }
  return ok(points);
}

/** Parses `--font-size 8` or `8pt` into points. */
export function parseFontSize(text: string): Parsed<number> {
  const value = parseNumber(text.trim().toLowerCase().replace(/\s*pt$/, ""));
  if (value === undefined) return fail(`--font-size: ${quote(text)} is not a size in points, e.g. 8 or 9.5`);
  if (!inRange(value, FONT_SIZE_RANGE_PT)) {
    return fail(`--font-size: ${value} pt is outside ${FONT_SIZE_RANGE_PT[0]}–${FONT_SIZE_RANGE_PT[1]} pt`);
  }
  return ok(value);
}

/** Parses `--dpi 300`. */
export function parseDpi(text: string): Parsed<number> {
  const value = parseNumber(text.trim().toLowerCase().replace(/\s*dpi$/, ""));
  if (value === undefined) return fail(`--dpi: ${quote(text)} is not a number of dots per inch, e.g. 300`);
  if (!inRange(value, DPI_RANGE)) return fail(`--dpi: ${value} is outside ${DPI_RANGE[0]}–${DPI_RANGE[1]}`);
  return ok(value);
}

/** Parses `--scale 2` (PNG pixels per point; 1 is 72 dpi). */
export function parseScale(text: string): Parsed<number> {
  const value = parseNumber(text.trim().toLowerCase().replace(/\s*x$/, ""));
  if (value === undefined) return fail(`--scale: ${quote(text)} is not a number, e.g. 2`);
  if (!inRange(value, SCALE_RANGE)) return fail(`--scale: ${value} is outside ${SCALE_RANGE[0]}–${SCALE_RANGE[1]}`);
  return ok(value);
}

export type Background = "white" | "transparent";

/** Parses `--background white|transparent`. */
export function parseBackground(text: string): Parsed<Background> {
  const value = text.trim().toLowerCase();
  if (value === "white" || value === "transparent") return ok(value);
  return fail(`--background: ${quote(text)} is not one of white, transparent`);
}
