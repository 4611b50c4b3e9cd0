/**
 * The arithmetic of one convolution with its numbers, as lectures draw it (Andrew Ng's
 * edge-detection example, CS231n): the input grid with a value in every cell, `∗`, the
 * filter with its weights, `=`, and the output grid. The numbers are the engine's: the
 * execute stage (execute/numbers.ts) runs the network forward (with the file's `values=`
 * and `weights=` where it gives them) before layout, and the figure shows the tensors that
 * run made and used. The first window and the output cell it makes are highlighted, and
 * the sum that makes that cell is written out underneath.
 */

import type { AnalyzedNetwork, LayerAnalysis } from "../analyze/types.js";
import type { Tensor } from "../engine/tensor.js";
import type { Execution } from "../execute/numbers.js";
import { getOp } from "../ops/index.js";
import type { RenderOptions } from "../options/figure.js";
import type { Point } from "../geometry/types.js";
import type { Theme } from "../themes/index.js";
import { measuredLabel, measuredLines, rowsOf } from "./measured.js";
import type { PlacedLabel } from "./types.js";

export interface ArithmeticGrid {
  /** The layer the grid shows; the filter is `<conv>.weight`. */
  id: string;
  role: "input" | "filter" | "output";
  /** Top-left corner of the top-left cell. */
  origin: Point;
  cell: number;
  rows: number;
  cols: number;
  /** One centred number per cell, row by row. */
  values: PlacedLabel[];
  /** Cells drawn highlighted: the first window on the input, the cell it makes on the output. */
  highlight?: { row: number; col: number; rows: number; cols: number };
  /** Name and size under the grid. */
  labels: PlacedLabel[];
}

export interface ArithmeticFigure {
  kind: "arithmetic";
  grids: ArithmeticGrid[];
  /** `∗` and `=` between the grids, or starting the row a grid continues the equation on. */
  operators: PlacedLabel[];
  /** The highlighted output cell written out as its sum of products: one line, or more where the grids are narrower. */
  formula?: PlacedLabel[];
  /** Rows the equation is set in: `options.rows` where it has grids enough (print sizing tries more for a narrow width). */
  rows: number;
}

/**
 * Every length is a multiple of the cell, and the cell follows the numbers' font: the figure
 * keeps its proportions at any print size (`--width`, `--font-size` scale the theme's text).
 */
const OPERATOR_GAP = 1.5;
const LABEL_GAP = 0.35;
/** Between one row's captions and the next row's grids. */
const ROW_GAP = 0.7;
/**
 * A cell holds its widest number with this much room (points; geometry, so a wide page
 * gives the numbers more), and at least this part of the numbers' font on either side.
 */
const CELL_ROOM = 8;
const MIN_CELL_ROOM_EM = 0.3;
/** A sum of more products than this is too long for one line: the grids say it already. */
const MAX_FORMULA_TERMS = 16;

/** The input and the conv this style draws, or why it cannot draw the network. */
export function arithmeticLayers(network: AnalyzedNetwork): { input: LayerAnalysis; conv: LayerAnalysis } | string {
  const [input, conv, ...rest] = network.layers;
  if (!input || getOp(input.node.op).category !== "input" || input.shape.length !== 3 || input.shape[2] !== 1) return "it does not start with one single-channel image input (input HxWx1)";
  if (!conv || getOp(conv.node.op).category !== "conv" || conv.shape[2] !== 1) return "its second layer is not a conv with one filter";
  if (rest.length > 0) return `${rest[0]!.node.id} follows the conv (the style draws one conv: input ∗ filter = output)`;
  const { padding, dilation, groups } = conv.node.attrs;
  const unpadded = padding === "valid" || (Array.isArray(padding) && padding.every((p) => p === 0));
  if (!unpadded || !Array.isArray(dilation) || dilation.some((d) => d !== 1) || groups !== 1) {
    return `conv ${conv.node.id} is padded or dilated (the figure draws the plain sliding window)`;
  }
  return { input, conv };
}

/** As a slide prints it: whole numbers as they are, others to two decimals, a true minus sign. */
function formatValue(v: number): string {
  const text = Number.isInteger(v) ? String(v === 0 ? 0 : v) : v.toFixed(2);
  return text.replace("-", "−");
}

/** The input, the filter and the output as the run made and used them. */
function tensorsOf(execution: Execution, input: LayerAnalysis, conv: LayerAnalysis): { image: Tensor; filter: Tensor; output: Tensor } {
  const found = (tensor: Tensor | undefined, what: string): Tensor => {
    if (!tensor) throw new Error(`arithmetic layout: the execution has no ${what}`);
    return tensor;
  };
  return {
    image: found(execution.outputs.get(input.node.id), `output of ${input.node.id}`),
    filter: found(execution.parameters.get(`${conv.node.id}.weight`), `parameter ${conv.node.id}.weight`),
    output: found(execution.outputs.get(conv.node.id), `output of ${conv.node.id}`),
  };
}

function grid(
  id: string,
  role: ArithmeticGrid["role"],
  tensor: Tensor,
  rows: number,
  cols: number,
  caption: string[],
  theme: Theme,
): ArithmeticGrid {
  const values = Array.from(tensor.data, (v) => measuredLabel(theme, "label-cell", "shape", formatValue(v)));
  return { id, role, origin: [0, 0], cell: 0, rows, cols, values, labels: caption.map((text, i) => measuredLabel(theme, i === 0 ? "label-name" : "label-shape", i === 0 ? "name" : "shape", text)) };
}

/** The grid's written label (first line names it), or what a slide calls it. */
function captionOf(layer: LayerAnalysis | undefined, fallback: string, size: string): string[] {
  const written = layer?.node.label?.trim().split("\n");
  return written && written.length > 0 ? written : [fallback, size];
}

/**
 * Lays out input ∗ filter = output, centred, with every grid's cells the same size so the
 * window on the input matches the filter cell for cell: on one row, or broken into
 * `options.rows` rows as a long equation is, the operator starting the continued row (a
 * narrow `--width` asks for more rows rather than smaller numbers). The numbers come from
 * `execution`, the run of the execute stage.
 */
export function layoutArithmeticFigure(network: AnalyzedNetwork, options: RenderOptions, theme: Theme, execution: Execution): { figure: ArithmeticFigure; width: number; height: number } {
  const layers = arithmeticLayers(network);
  if (typeof layers === "string") throw new Error(`arithmetic layout of ${network.network.name}: ${layers}`);
  const { input, conv } = layers;
  const { image, filter, output } = tensorsOf(execution, input, conv);
  const [h, w] = [input.shape[0]!, input.shape[1]!];
  const [kh, kw] = [filter.shape[2]!, filter.shape[3]!];
  const [oh, ow] = [conv.shape[0]!, conv.shape[1]!];
  const size = (r: number, c: number) => `${r}×${c}`;
  const showLabels = options.labels.length > 0;
  const grids = [
    grid(input.node.id, "input", image, h, w, showLabels ? captionOf(input, "input", size(h, w)) : [], theme),
    grid(`${conv.node.id}.weight`, "filter", filter, kh, kw, showLabels ? ["filter", size(kh, kw)] : [], theme),
    grid(conv.node.id, "output", output, oh, ow, showLabels ? captionOf(conv, "output", size(oh, ow)) : [], theme),
  ];
  grids[0]!.highlight = { row: 0, col: 0, rows: kh, cols: kw };
  grids[2]!.highlight = { row: 0, col: 0, rows: 1, cols: 1 };

  // A cell holds its widest number with room to spare, and is square.
  const widest = Math.max(...grids.flatMap((g) => g.values.map((v) => v.width)));
  const valueHeight = Math.max(...grids.flatMap((g) => g.values.map((v) => v.ascent + v.descent)));
  const cell = Math.max(widest + Math.max(CELL_ROOM, 2 * MIN_CELL_ROOM_EM * theme.text.shape.size), valueHeight * 2.2);
  const operators = ["∗", "="].map((t) => measuredLabel(theme, "label-operator", "merge", t));

  // Rows as even as the grids allow; an operator between rows starts the later one.
  const gap = OPERATOR_GAP * cell;
  const placed = rowsOf(grids.map((g) => g.cols * cell), grids.map((g) => g.rows * cell), gap, options.rows);
  const width = placed.width;

  let top = 0;
  let height = 0;
  for (const { from, to, x: start, tallest } of placed.rows) {
    const row = grids.slice(from, to);
    let x = start;
    const placeOperator = (op: PlacedLabel): void => {
      op.at = [x + gap / 2, top + tallest / 2 + (op.ascent - op.descent) / 2];
      x += gap;
    };
    if (from > 0) placeOperator(operators[from - 1]!);
    row.forEach((g, i) => {
      const gridTop = top + (tallest - g.rows * cell) / 2;
      g.origin = [x, gridTop];
      g.cell = cell;
      g.values.forEach((v, k) => {
        const [rr, c] = [Math.floor(k / g.cols), k % g.cols];
        v.at = [x + (c + 0.5) * cell, gridTop + (rr + 0.5) * cell + (v.ascent - v.descent) / 2];
      });
      let y = top + tallest + LABEL_GAP * cell;
      for (const l of g.labels) {
        l.at = [x + (g.cols * cell) / 2, y + l.ascent];
        y += l.ascent + l.descent + 2;
      }
      x += g.cols * cell;
      if (i < row.length - 1) placeOperator(operators[from + i]!);
    });
    height = Math.max(top + tallest, ...row.flatMap((g) => g.labels.map((l) => l.at[1] + l.descent)));
    top = height + ROW_GAP * cell;
  }

  // The sum behind the highlighted cell, products in reading order, with the engine's result;
  // broken before a `+` into as few lines as keep it within the grids.
  let formula: PlacedLabel[] | undefined;
  if (kh * kw <= MAX_FORMULA_TERMS) {
    const terms: string[] = [];
    for (let r = 0; r < kh; r++) {
      for (let c = 0; c < kw; c++) {
        const wv = formatValue(filter.data[r * kw + c]!);
        terms.push(`${formatValue(image.data[r * w + c]!)}·${wv.startsWith("−") ? `(${wv})` : wv}`);
      }
    }
    const pieces = terms.map((t, i) => (i === 0 ? t : ` + ${t}`));
    pieces[pieces.length - 1] += ` = ${formatValue(output.data[0]!)}`;
    formula = measuredLines(theme, "label-formula", "shape", pieces, 1);
    for (let lines = 2; lines <= pieces.length && Math.max(...formula.map((l) => l.width)) > width; lines++) formula = measuredLines(theme, "label-formula", "shape", pieces, lines);
    let y = height + LABEL_GAP * 1.5 * cell;
    for (const l of formula) {
      l.at = [width / 2, y + l.ascent];
      y = l.at[1] + l.descent;
    }
    height = y;
  }
  const figureWidth = Math.max(width, ...(formula ?? []).map((l) => l.width));
  const dx = (figureWidth - width) / 2;
  const figure: ArithmeticFigure = {
    kind: "arithmetic",
    grids: grids.map((g) => ({
      ...g,
      origin: [g.origin[0] + dx, g.origin[1]],
      values: g.values.map((v) => ({ ...v, at: [v.at[0] + dx, v.at[1]] })),
      labels: g.labels.map((l) => ({ ...l, at: [l.at[0] + dx, l.at[1]] })),
    })),
    operators: operators.map((o) => ({ ...o, at: [o.at[0] + dx, o.at[1]] })),
    ...(formula ? { formula: formula.map((l) => ({ ...l, at: [figureWidth / 2, l.at[1]] })) } : {}),
    rows: placed.rows.length,
  };
  return { figure, width: figureWidth, height };
}
