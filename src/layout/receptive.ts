/**
 * Receptive fields drawn the way lectures explain them: every layer's map as a grid of
 * cells, one unit marked in each, and on the input grid the square of input pixels each
 * marked unit sees — nested squares that grow 3, 5, 7, … with depth. Sizes come from the
 * analysis (`rf`, `jump`); this file only places them.
 */

import type { AnalyzedNetwork, LayerAnalysis } from "../analyze/types.js";
import { NetfigError } from "../lang/diagnostics.js";
import { getOp } from "../ops/index.js";
import type { OpCategory } from "../ops/types.js";
import type { RenderOptions } from "../render/options.js";
import type { Point } from "../scene/types.js";
import { fontOf, type Theme } from "../themes/index.js";
import { measureText } from "../text/measure.js";
import type { LabelStyle, PlacedLabel } from "./types.js";

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
  /** `→` between neighbouring grids. */
  arrows: PlacedLabel[];
  /** One swatch and `conv1: 3×3` per layer, in a row under the grids. */
  legend: { shade: number; swatch: Point; size: number; label: PlacedLabel }[];
}

const CELL = 14;
const GAP = 30;
const LABEL_GAP = 8;
const LEGEND_GAP = 16;
const SWATCH = 9;
/** Grids wider than this many cells would not fit a page at a readable cell size. */
const MAX_CELLS = 32;
/** Sides of squares that coincide are pulled inwards by this much per larger square on them, so each stays visible. */
const NEST_INSET = 2.2;

interface Spec {
  layer: LayerAnalysis;
  rf: number;
  jump: number;
}

/** The input and the windowed layers (convs and pools) this style draws, or why it cannot draw the network. */
function receptiveLayers(network: AnalyzedNetwork): { input: LayerAnalysis; layers: Spec[] } | string {
  const [input, ...rest] = network.layers;
  if (!input || input.node.op !== "input" || input.shape.length !== 3) return "it does not start with an image input (input HxWxC)";
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

function measured(theme: Theme, role: string, style: LabelStyle, text: string, anchor: PlacedLabel["anchor"] = "middle"): PlacedLabel {
  const m = measureText(text, fontOf(theme, theme.text[style]));
  return { role, text, at: [0, 0], anchor, style, width: m.width, ascent: m.ascent, descent: m.descent };
}

const size = (n: number, m = n) => `${n}×${m}`;

/** Grids left to right, centred on one axis; captions under each; the legend under everything. */
export function layoutReceptiveFigure(network: AnalyzedNetwork, options: RenderOptions, theme: Theme): { figure: ReceptiveFigure; width: number; height: number } {
  const found = receptiveLayers(network);
  if (typeof found === "string") {
    throw new NetfigError([{ severity: "error", message: `figure: style receptive cannot draw ${network.network.name}: ${found}`, hint: "use style: blocks" }]);
  }
  const { input, layers } = found;
  const shows = new Set(options.labels);
  const caption = (layer: LayerAnalysis, fallback: string): PlacedLabel[] => [
    ...(shows.has("name") ? [measured(theme, "label-name", "name", layer.node.label?.trim().split("\n")[0] ?? fallback)] : []),
    ...(shows.has("shape") ? [measured(theme, "label-shape", "shape", size(layer.shape[0]!, layer.shape[1]!))] : []),
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
    f.inset = sides(f).map((v, k) => larger.filter((g) => sides(g)[k] === v).length * NEST_INSET) as ReceptiveField["inset"];
  }

  const tallest = Math.max(...grids.map((g) => g.rows)) * CELL;
  const arrows: PlacedLabel[] = [];
  let x = 0;
  grids.forEach((g, i) => {
    g.origin = [x, (tallest - g.rows * CELL) / 2];
    const width = Math.max(g.cols * CELL, ...g.labels.map((l) => l.width));
    g.origin[0] = x + (width - g.cols * CELL) / 2;
    let y = tallest + LABEL_GAP;
    for (const l of g.labels) {
      l.at = [x + width / 2, y + l.ascent];
      y += l.ascent + l.descent + 2;
    }
    x += width;
    if (i < grids.length - 1) {
      const arrow = measured(theme, "label-arrow", "merge", "→");
      arrow.at = [x + GAP / 2, tallest / 2 + (arrow.ascent - arrow.descent) / 2];
      arrows.push(arrow);
      x += GAP;
    }
  });
  const width = x;
  let height = Math.max(tallest, ...grids.flatMap((g) => g.labels.map((l) => l.at[1] + l.descent)));

  const legendItems = layers.map((s, i) => ({ shade: i, label: measured(theme, "legend", "legend", `${s.layer.node.label?.trim().split("\n")[0] ?? s.layer.node.id}: ${size(s.rf)}`, "start") }));
  const itemWidth = (l: PlacedLabel) => SWATCH + 4 + l.width;
  const legendWidth = legendItems.reduce((sum, it) => sum + itemWidth(it.label), 0) + (legendItems.length - 1) * LEGEND_GAP;
  const figureWidth = Math.max(width, legendWidth);
  const lineHeight = Math.max(SWATCH, ...legendItems.map((it) => it.label.ascent + it.label.descent));
  const top = height + LEGEND_GAP;
  let lx = (figureWidth - legendWidth) / 2;
  const legend = legendItems.map((it) => {
    const swatch: Point = [lx, top + (lineHeight - SWATCH) / 2];
    it.label.at = [lx + SWATCH + 4, top + (lineHeight + it.label.ascent - it.label.descent) / 2];
    lx += itemWidth(it.label) + LEGEND_GAP;
    return { shade: it.shade, swatch, size: SWATCH, label: it.label };
  });
  height = top + lineHeight;

  const dx = (figureWidth - width) / 2;
  const move = (l: PlacedLabel): PlacedLabel => ({ ...l, at: [l.at[0] + dx, l.at[1]] });
  const figure: ReceptiveFigure = {
    kind: "receptive",
    cell: CELL,
    grids: grids.map((g) => ({ ...g, origin: [g.origin[0] + dx, g.origin[1]], labels: g.labels.map(move) })),
    fields,
    arrows: arrows.map(move),
    legend,
  };
  return { figure, width: figureWidth, height };
}
