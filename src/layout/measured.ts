import { fontOf, type Theme } from "../themes/index.js";
import { measureText } from "../text/measure.js";
import type { LabelStyle, PlacedLabel } from "./types.js";

/**
 * A line of text in a theme's style, measured and not yet placed (at the origin): the one
 * helper every figure style lays its labels out with.
 */
export function measuredLabel(theme: Theme, role: string, style: LabelStyle, text: string, anchor: PlacedLabel["anchor"] = "middle"): PlacedLabel {
  const m = measureText(text, fontOf(theme, theme.text[style]));
  return { role, text, at: [0, 0], anchor, style, width: m.width, ascent: m.ascent, descent: m.descent };
}

/**
 * Where to break `n` pieces into lines (or rows) so that the widest is narrowest, for every
 * count of lines from 1 to `most` (at most `n`): each line's end and the widest line's
 * width. `widthOf(from, to)` is the width of pieces `from` to `to − 1` as one line.
 */
export function balancedBreaks(n: number, most: number, widthOf: (from: number, to: number) => number): { ends: number[]; width: number }[] {
  const counts = Math.max(1, Math.min(most, n));
  // best[j][i]: the narrowest widest line of the first i pieces in j lines, and where the last line starts.
  const best: { width: number; start: number }[][] = [[{ width: 0, start: 0 }]];
  for (let j = 1; j <= counts; j++) {
    const row: { width: number; start: number }[] = [];
    for (let i = j; i <= n; i++) {
      let found = { width: Infinity, start: j - 1 };
      for (let start = j - 1; start < i; start++) {
        const before = best[j - 1]![start];
        if (!before) continue;
        const width = Math.max(before.width, widthOf(start, i));
        if (width < found.width - 1e-9) found = { width, start };
      }
      row[i] = found;
    }
    best.push(row);
  }
  return Array.from({ length: counts }, (_, k) => {
    const ends: number[] = [];
    for (let j = k + 1, i = n; j > 0; i = best[j]![i]!.start, j--) ends.unshift(i);
    return { ends, width: best[k + 1]![n]!.width };
  });
}

/**
 * Text as at most `lines` measured lines, broken between `pieces` (each but the first
 * starting with what separates it from the one before, which a break drops: `" units"`,
 * `" + 5·0"`) where the widest line is narrowest, in fewer lines on a tie. The caller
 * places them. A figure narrowing its captions to fit a width asks for more lines.
 */
export function measuredLines(theme: Theme, role: string, style: LabelStyle, pieces: string[], lines: number, anchor: PlacedLabel["anchor"] = "middle"): PlacedLabel[] {
  const n = pieces.length;
  const text = (from: number, to: number): string => pieces.slice(from, to).join("").trim();
  if (Math.min(lines, n) <= 1) return [measuredLabel(theme, role, style, text(0, n), anchor)];
  const widths = new Map<string, number>();
  const widthOf = (from: number, to: number): number => {
    const key = `${from}:${to}`;
    let w = widths.get(key);
    if (w === undefined) widths.set(key, (w = measuredLabel(theme, role, style, text(from, to)).width));
    return w;
  };
  const options = balancedBreaks(n, lines, widthOf);
  const { ends } = options.reduce((a, b) => (b.width < a.width - 1e-9 ? b : a));
  return ends.map((end, k) => measuredLabel(theme, role, style, text(k === 0 ? 0 : ends[k - 1]!, end), anchor));
}

/** A line's words as `measuredLines` breaks them: `["hidden", " units", " h¹"]`. */
export function words(text: string): string[] {
  return text.split(" ").filter((w) => w !== "").map((w, i) => (i === 0 ? w : ` ${w}`));
}

/**
 * Items `spans` wide set in `rows` rows (at most one an item) as even as they allow, `gap`
 * between neighbours and before the first item of a continued row (where an operator or
 * arrow carries a chain over, as a long equation breaks before its operator): each row's
 * items, `from` to `to − 1`, where it starts so that the rows are centred on the widest, and
 * its tallest item of `heights`.
 */
export function rowsOf(spans: number[], heights: number[], gap: number, rows: number): { width: number; rows: { from: number; to: number; x: number; tallest: number }[] } {
  const rowWidth = (from: number, to: number): number => {
    let x = from > 0 ? gap : 0;
    for (let i = from; i < to; i++) {
      x += spans[i]!;
      if (i < to - 1) x += gap;
    }
    return x;
  };
  const breaks = balancedBreaks(spans.length, rows, rowWidth);
  const { ends } = breaks[breaks.length - 1]!;
  const ranges = ends.map((to, r) => ({ from: r === 0 ? 0 : ends[r - 1]!, to }));
  const width = Math.max(...ranges.map(({ from, to }) => rowWidth(from, to)));
  return { width, rows: ranges.map(({ from, to }) => ({ from, to, x: (width - rowWidth(from, to)) / 2, tallest: Math.max(...heights.slice(from, to)) })) };
}
