/**
 * Primitives of the receptive-field figure: the layers' grids with their marked unit, the
 * nested squares on the input grid, arrows, captions and the legend of field sizes.
 */

import { FIELD_STROKE, type ReceptiveFigure, type ReceptiveGrid } from "../layout/receptive.js";
import type { Theme } from "../themes/index.js";
import type { PathCommand, Point } from "../geometry/types.js";
import type { Primitive } from "./types.js";
import { labelText, rectangle } from "./label.js";

/**
 * One colour per layer, Okabe and Ito's palette for colour-blind readers, in an order whose
 * neighbours differ in lightness too; the squares' sizes tell them apart in grey.
 */
const PALETTE = ["#0072b2", "#009e73", "#e69f00", "#d55e00", "#cc79a7", "#56b4e9"];
const shadeOf = (i: number): string => PALETTE[i % PALETTE.length]!;

function closed(points: Point[]): PathCommand[] {
  const [first, ...rest] = points;
  return [{ op: "M", to: first! }, ...rest.map((to) => ({ op: "L" as const, to })), { op: "Z" }];
}

function drawGrid(grid: ReceptiveGrid, cell: number, theme: Theme): Primitive[] {
  const out: Primitive[] = [];
  const fill = theme.categories[grid.category].fill;
  const stroke = { color: theme.outline.color, width: theme.outline.width * 0.8 };
  for (let r = 0; r < grid.rows; r++) {
    for (let c = 0; c < grid.cols; c++) {
      const unit = grid.unit && grid.unit.row === r && grid.unit.col === c;
      out.push({
        type: "polygon",
        role: "grid-cell",
        owner: grid.id,
        layer: grid.id,
        points: rectangle(grid.origin[0] + c * cell, grid.origin[1] + r * cell, cell, cell),
        paint: { fill: unit ? shadeOf(grid.unit!.shade) : fill, stroke },
      });
    }
  }
  for (const l of grid.labels) out.push({ ...labelText(l, theme, grid.id), layer: grid.id });
  return out;
}

export function drawReceptive(figure: ReceptiveFigure, theme: Theme): Primitive[] {
  const { cell } = figure;
  const input = figure.grids[0]!;
  const out: Primitive[] = figure.grids.flatMap((g) => drawGrid(g, cell, theme));
  // Largest first, so the smaller squares inside stay on top.
  const width = FIELD_STROKE * theme.outline.width;
  for (const f of [...figure.fields].sort((a, b) => b.size - a.size)) {
    const [top, right, bottom, left] = f.inset.map((d) => d + width / 2);
    const x = input.origin[0] + f.col * cell + left!;
    const y = input.origin[1] + f.row * cell + top!;
    out.push({
      type: "path",
      role: "receptive-field",
      owner: f.id,
      commands: closed(rectangle(x, y, f.size * cell - left! - right!, f.size * cell - top! - bottom!)),
      paint: { stroke: { color: shadeOf(f.shade), width, join: "miter" } },
    });
  }
  for (const a of figure.arrows) out.push(labelText(a, theme, "arrow"));
  for (const item of figure.legend) {
    out.push({
      type: "polygon",
      role: "legend-swatch",
      owner: `legend:${item.label.text}`,
      points: rectangle(item.swatch[0], item.swatch[1], item.size, item.size),
      paint: { fill: shadeOf(item.shade), stroke: { color: theme.outline.color, width: theme.outline.width } },
    });
    out.push(labelText(item.label, theme, `legend:${item.label.text}`));
  }
  return out;
}
