/**
 * Primitives of the convolution-arithmetic figure: each grid's cells (the highlighted
 * window and output cell in the convolution colour), a heavier outline around the
 * highlighted cells, the numbers, the operators, the captions and the written-out sum.
 */

import type { ArithmeticFigure, ArithmeticGrid } from "../layout/arithmetic.js";
import type { Theme } from "../themes/index.js";
import type { Primitive } from "./types.js";
import { labelText, rectangle } from "./label.js";

/** The input reads as data (the input colour), the filter and what it touches as the convolution. */
function fillOf(grid: ArithmeticGrid, theme: Theme, highlighted: boolean): string {
  if (highlighted || grid.role === "filter") return theme.categories.conv.fill;
  return grid.role === "input" ? theme.categories.input.fill : theme.background === "none" ? "#ffffff" : theme.background;
}

/** `layer`: the analysed layer the grid shows (the filter grid is its conv's weight). */
function drawGrid(grid: ArithmeticGrid, layer: string, theme: Theme): Primitive[] {
  const out: Primitive[] = [];
  const { origin, cell, highlight } = grid;
  const inHighlight = (r: number, c: number) =>
    highlight !== undefined && r >= highlight.row && r < highlight.row + highlight.rows && c >= highlight.col && c < highlight.col + highlight.cols;
  const stroke = { color: theme.outline.color, width: theme.outline.width };
  for (let r = 0; r < grid.rows; r++) {
    for (let c = 0; c < grid.cols; c++) {
      out.push({
        type: "polygon",
        role: "grid-cell",
        owner: grid.id,
        layer,
        points: rectangle(origin[0] + c * cell, origin[1] + r * cell, cell, cell),
        paint: { fill: fillOf(grid, theme, inHighlight(r, c)), stroke },
      });
    }
  }
  if (highlight) {
    const [x, y] = [origin[0] + highlight.col * cell, origin[1] + highlight.row * cell];
    const [first, ...rest] = rectangle(x, y, highlight.cols * cell, highlight.rows * cell);
    out.push({
      type: "path",
      role: "grid-highlight",
      owner: grid.id,
      layer,
      commands: [{ op: "M", to: first! }, ...rest.map((to) => ({ op: "L" as const, to })), { op: "Z" }],
      paint: { stroke: { color: theme.outline.color, width: theme.outline.width * 3.5, join: "miter" } },
    });
  }
  for (const v of grid.values) out.push({ ...labelText(v, theme, grid.id), layer });
  for (const l of grid.labels) out.push({ ...labelText(l, theme, grid.id), layer });
  return out;
}

export function drawArithmetic(figure: ArithmeticFigure, theme: Theme): Primitive[] {
  const conv = figure.grids.find((g) => g.role === "output")?.id ?? "";
  return [
    ...figure.grids.flatMap((g) => drawGrid(g, g.role === "filter" ? conv : g.id, theme)),
    ...figure.operators.map((o) => labelText(o, theme, "operator")),
    ...(figure.formula ?? []).map((l) => labelText(l, theme, "formula")),
  ];
}
