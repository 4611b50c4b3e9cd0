/**
 * Receptive fields drawn the way lectures explain them: every layer's map as a grid of
 * cells, one unit marked in each, and on the input grid the square of input pixels each
 * marked unit sees — nested squares that grow 3, 5, 7, … with depth. Sizes come from the
 * analysis (`rf`, `jump`); this file only places them.
 */

import type { AnalyzedNetwork, LayerAnalysis } from "../analyze/types.js";
import { getOp } from "../ops/index.js";
import type { OpCategory } from "../ops/types.js";
import type { RenderOptions } from "../options/figure.js";
import type { Point } from "../geometry/types.js";
import type { Theme } from "../themes/index.js";
import { balancedBreaks, measuredLabel, rowsOf } from "./measured.js";
import type { PlacedLabel } from "./types.js";

export interface ReceptiveGrid {
  id: string;
  /** Top-left corner of the top-left cell. */
  origin: Point;
  rows: number;
  cols: number;
  /** The layer kind's colour fills the cells. */
  category: OpCategory;
  /** The unit whose receptive field is marked, and its colour's index; none on the input. */
  unit?: { row: number; col: number; shade: number };
  labels: PlacedLabel[];
}

/** One layer's receptive field on the input grid, in cells, with the inset of each side (top, right, bottom, left) where it would lie on a larger square's side. */
export interface ReceptiveField {
  id: string;
  shade: number;
  row: number;
  col: number;
  size: number;
  inset: [number, number, number, number];
}

export interface ReceptiveFigure {
  kind: "receptive";
  cell: number;
  grids: ReceptiveGrid[];
  fields: ReceptiveField[];
  /** `→` between neighbouring grids, or starting the row a grid continues the chain on. */
  arrows: PlacedLabel[];
  /** One swatch and `conv1: 3×3` per layer, in a row under the grids (in lines when the grids are narrower). */
  legend: { shade: number; swatch: Point; size: number; label: PlacedLabel }[];
  /** Rows the grids are set in: `options.rows` where there are grids enough (print sizing tries more for a narrow width). */
  rows: number;
}

/**
 * Every length follows the theme's text and strokes (which print sizing scales), the cell
 * too: shrinking the cells alone to fit `--width` would leave the grids specks beside
 * full-size captions, so the figure keeps its proportions and scales as a whole.
 */
const CELL = 1.75;
/** Grids wider than this many cells would not fit a page at a readable cell size. */
const MAX_CELLS = 32;
/** Stroke of a field's square, in outline widths. */
export const FIELD_STROKE = 3;
/** Sides of squares that coincide are pulled inwards by this many strokes per larger square on them, so each stays visible. */
const NEST_INSET = 1.2;
/** Between the lines of a legend that takes more than one, in font sizes. */
const LEGEND_LINE_GAP = 0.5;

interface Spec {
  layer: LayerAnalysis;
  rf: number;
  jump: number;
}

/** The input and the windowed layers (convs and pools) this style draws, or why it cannot draw the network. */
export function receptiveLayers(network: AnalyzedNetwork): { input: LayerAnalysis; layers: Spec[] } | string {
  const [input, ...rest] = network.layers;
  if (!input || getOp(input.node.op).category !== "input" || input.shape.length !== 3) return "it does not start with an image input (input HxWxC)";
  if (Math.max(input.shape[0]!, input.shape[1]!) > MAX_CELLS) return `its ${input.shape[0]}×${input.shape[1]} input is too large to draw cell by cell (at most ${MAX_CELLS}×${MAX_CELLS})`;
  const layers: Spec[] = [];
  for (const layer of rest) {
    const { op, attrs, inputs, id } = layer.node;
    if (inputs.length !== 1) return `${id} reads ${inputs.length} layers (the style draws a chain)`;
    const category = getOp(op).category;
    if (category !== "conv" && category !== "pool") continue;
    if (layer.rf === undefined || layer.jump === undefined || layer.shape.length !== 3) return `${id} has no spatial receptive field`;
    const padding = attrs["padding"];
    // Without padding a unit's field starts at its index times the jump; padding would move it off the grid.
    if (!(padding === undefined || padding === "valid" || (Array.isArray(padding) && padding.every((p) => p === 0)))) return `${id} is padded (the style draws unpadded layers)`;
    layers.push({ layer, rf: layer.rf, jump: layer.jump });
  }
  if (layers.length === 0) return "it has no conv or pooling layer";
  return { input, layers };
}

const size = (n: number, m = n) => `${n}×${m}`;

/**
 * Grids left to right, centred on one axis, or in `options.rows` rows as even as the grids
 * allow (the arrow from one row's last grid starting the next: a narrow `--width` asks
 * for more rows rather than smaller cells); captions under each; the legend under
 * everything, in as few lines as keep it within the grids.
 */
export function layoutReceptiveFigure(network: AnalyzedNetwork, options: RenderOptions, theme: Theme): { figure: ReceptiveFigure; width: number; height: number } {
  const found = receptiveLayers(network);
  if (typeof found === "string") throw new Error(`receptive layout of ${network.network.name}: ${found}`);
  const { input, layers } = found;
  const em = theme.text.shape.size;
  const [cell, labelGap, legendGap, swatchSize] = [CELL * em, em, 2 * em, 1.1 * theme.text.legend.size];
  const nestInset = NEST_INSET * FIELD_STROKE * theme.outline.width;
  const shows = new Set(options.labels);
  const caption = (layer: LayerAnalysis, fallback: string): PlacedLabel[] => [
    ...(shows.has("name") ? [measuredLabel(theme, "label-name", "name", layer.node.label?.trim().split("\n")[0] ?? fallback)] : []),
    ...(shows.has("shape") ? [measuredLabel(theme, "label-shape", "shape", size(layer.shape[0]!, layer.shape[1]!))] : []),
  ];
  // The centre unit of each layer: its field sits in the middle of the input, so the squares nest.
  const grids: ReceptiveGrid[] = [
    { id: input.node.id, origin: [0, 0], rows: input.shape[0]!, cols: input.shape[1]!, category: "input", labels: caption(input, "input") },
    ...layers.map((s, i) => ({
      id: s.layer.node.id,
      origin: [0, 0] as Point,
      rows: s.layer.shape[0]!,
      cols: s.layer.shape[1]!,
      category: getOp(s.layer.node.op).category,
      unit: { row: Math.floor((s.layer.shape[0]! - 1) / 2), col: Math.floor((s.layer.shape[1]! - 1) / 2), shade: i },
      labels: caption(s.layer, s.layer.node.id),
    })),
  ];
  const fields: ReceptiveField[] = layers.map((s, i) => {
    const unit = grids[i + 1]!.unit!;
    return { id: s.layer.node.id, shade: i, row: unit.row * s.jump, col: unit.col * s.jump, size: s.rf, inset: [0, 0, 0, 0] };
  });
  // A side lying on a larger square's side moves in, once per larger square there.
  for (const f of fields) {
    const larger = fields.filter((g) => g.size > f.size);
    const sides = (g: ReceptiveField) => [g.row, g.col + g.size, g.row + g.size, g.col];
    f.inset = sides(f).map((v, k) => larger.filter((g) => sides(g)[k] === v).length * nestInset) as ReceptiveField["inset"];
  }

  const arrowGap = measuredLabel(theme, "label-arrow", "merge", "→").width + 2 * em;
  const spans = grids.map((g) => Math.max(g.cols * cell, ...g.labels.map((l) => l.width)));
  const placed = rowsOf(spans, grids.map((g) => g.rows * cell), arrowGap, options.rows);
  const width = placed.width;

  const arrows: PlacedLabel[] = [];
  let top = 0;
  let height = 0;
  for (const { from, to, x: start, tallest } of placed.rows) {
    const row = grids.slice(from, to);
    let x = start;
    const placeArrow = (): void => {
      const arrow = measuredLabel(theme, "label-arrow", "merge", "→");
      arrow.at = [x + arrowGap / 2, top + tallest / 2 + (arrow.ascent - arrow.descent) / 2];
      arrows.push(arrow);
      x += arrowGap;
    };
    if (from > 0) placeArrow();
    row.forEach((g, i) => {
      const span = spans[from + i]!;
      g.origin = [x + (span - g.cols * cell) / 2, top + (tallest - g.rows * cell) / 2];
      let y = top + tallest + labelGap;
      for (const l of g.labels) {
        l.at = [x + span / 2, y + l.ascent];
        y += l.ascent + l.descent + 2;
      }
      x += span;
      if (i < row.length - 1) placeArrow();
    });
    height = Math.max(top + tallest, ...row.flatMap((g) => g.labels.map((l) => l.at[1] + l.descent)));
    top = height + legendGap;
  }

  const legendItems = layers.map((s, i) => ({ shade: i, label: measuredLabel(theme, "legend", "legend", `${s.layer.node.label?.trim().split("\n")[0] ?? s.layer.node.id}: ${size(s.rf)}`, "start") }));
  const itemWidth = (l: PlacedLabel) => swatchSize + em / 2 + l.width;
  const lineWidth = (from: number, to: number): number => legendItems.slice(from, to).reduce((sum, it) => sum + itemWidth(it.label), 0) + (to - from - 1) * legendGap;
  // The fewest lines that keep the legend within the grids.
  const lineBreaks = balancedBreaks(legendItems.length, legendItems.length, lineWidth);
  const lines = (lineBreaks.find((b) => b.width <= width) ?? lineBreaks[lineBreaks.length - 1]!).ends;
  const figureWidth = Math.max(width, ...lines.map((end, k) => lineWidth(k === 0 ? 0 : lines[k - 1]!, end)));
  const lineHeight = Math.max(swatchSize, ...legendItems.map((it) => it.label.ascent + it.label.descent));
  const legend: ReceptiveFigure["legend"] = [];
  let lineTop = height + legendGap;
  lines.forEach((end, k) => {
    const from = k === 0 ? 0 : lines[k - 1]!;
    let lx = (figureWidth - lineWidth(from, end)) / 2;
    for (const it of legendItems.slice(from, end)) {
      const swatch: Point = [lx, lineTop + (lineHeight - swatchSize) / 2];
      it.label.at = [lx + swatchSize + em / 2, lineTop + (lineHeight + it.label.ascent - it.label.descent) / 2];
      lx += itemWidth(it.label) + legendGap;
      legend.push({ shade: it.shade, swatch, size: swatchSize, label: it.label });
    }
    height = lineTop + lineHeight;
    lineTop = height + LEGEND_LINE_GAP * em;
  });

  const dx = (figureWidth - width) / 2;
  const move = (l: PlacedLabel): PlacedLabel => ({ ...l, at: [l.at[0] + dx, l.at[1]] });
  const figure: ReceptiveFigure = {
    kind: "receptive",
    cell,
    grids: grids.map((g) => ({ ...g, origin: [g.origin[0] + dx, g.origin[1]], labels: g.labels.map(move) })),
    fields,
    arrows: arrows.map(move),
    legend,
    rows: placed.rows.length,
  };
  return { figure, width: figureWidth, height };
}
