/**
 * Neuron-level layout: a network of vectors and dense layers drawn the way textbooks draw
 * a perceptron or an MLP — each layer a column of neurons, every neuron of one column
 * joined to every neuron of the next. Columns too tall to draw show their first and last
 * neurons around an ellipsis, so a 784-input layer stays as readable as a 3-input one.
 */

import type { AnalyzedNetwork, LayerAnalysis } from "../analyze/types.js";
import type { RenderOptions } from "../options/figure.js";
import type { Point } from "../geometry/types.js";
import { getOp } from "../ops/index.js";
import { getTheme, type Theme } from "../themes/index.js";
import { superscript } from "../text/digits.js";
import { formatCount } from "./labels.js";
import { measuredLabel, measuredLines, words } from "./measured.js";
import type { LabelStyle, PlacedLabel } from "./types.js";

export interface NeuronColumn {
  /** The id of the layer the column draws (its `input` or `fc`). */
  id: string;
  role: "input" | "hidden" | "output";
  /** Neurons in the layer, drawn or not. */
  size: number;
  /** Drawn neurons: 0-based index in the layer and centre. */
  neurons: { index: number; center: Point }[];
  /** Where the ⋮ stands for the neurons left out. */
  ellipsis?: Point;
  /** The constant +1 unit whose weights are the next layer's biases (its radius is the figure's `biasRadius`). */
  bias?: Point;
  /** The `+1` written in the bias unit, centred on it. */
  biasLabel?: PlacedLabel;
  labels: PlacedLabel[];
}

/** The connections between two neighbouring columns. */
export interface NeuronGap {
  from: string;
  to: string;
  /** `RBM k` over undirected pairs. */
  label?: PlacedLabel;
}

export interface NeuronFigure {
  radius: number;
  /** The bias units' radius: the neurons' radius, or more when their `+1` (in the theme's text) needs it. */
  biasRadius?: number;
  undirected: boolean;
  columns: NeuronColumn[];
  gaps: NeuronGap[];
  /**
   * The most lines a caption line was broken into: `options.rows` asks for up to that many
   * (print sizing tries more for a narrow width) and this says how many the words allowed.
   */
  rows: number;
}

const RADIUS = 8;
/** Centre-to-centre distance of neighbouring neurons: room for arrow heads between them. */
const PITCH = 2 * RADIUS + 9;
/** Columns of more neurons draw the first HEAD and last TAIL around a ⋮: never taller than a full column. */
const HEAD = 5;
const TAIL = 2;
const MAX_DRAWN = HEAD + 1 + TAIL;
/** Shortest distance between column centres: keeps the fan of connections shallow. */
const MIN_GAP = 120;
const LABEL_GAP = 10;
/** The smallest neuron radius and the smallest room between captions, in shape-label font sizes. */
const MIN_RADIUS_EM = 0.6;
const MIN_LABEL_GAP_EM = 1.1;
/** Half the height of the bias unit's `+1` and the room around it in the circle, in its font size. */
const BIAS_GLYPH_HALF_HEIGHT = 0.36;
const BIAS_MARGIN = 0.24;
/** Room between the bias unit and the top neuron: as between neurons. */
const BIAS_CLEARANCE = PITCH - 2 * RADIUS;

interface ColumnSpec {
  layer: LayerAnalysis;
  notes: string[];
}

/**
 * The columns of a network that neuron style can draw, or the reason it cannot: one vector
 * input, then a chain of dense layers, each followed by layers its op writes as a note
 * (activations, dropout: `OpDef.note`).
 */
export function neuronColumns(network: AnalyzedNetwork): ColumnSpec[] | string {
  const [first, ...rest] = network.layers;
  if (!first || getOp(first.node.op).category !== "input" || first.shape.length !== 1) return "it does not start with one vector input (input N)";
  const columns: ColumnSpec[] = [{ layer: first, notes: [] }];
  let previous = first.node.id;
  for (const layer of rest) {
    const { op, inputs, id, attrs } = layer.node;
    const def = getOp(op);
    if (inputs.length !== 1 || inputs[0] !== previous) return `${id} does not read the layer above it (neuron style draws a chain)`;
    if (def.category === "dense" && layer.shape.length === 1) columns.push({ layer, notes: [] });
    else if (def.note) columns[columns.length - 1]!.notes.push(def.note(attrs));
    else return `${id} is a ${op} layer (neuron style draws input N, fc and activations)`;
    previous = id;
  }
  if (columns.length < 2) return "it has no fc layer";
  return columns;
}

/** `ℝ²⁰`: the space a layer's activations live in, as NN-SVG and textbooks write it. */
function space(n: number): string {
  return `ℝ${superscript(n)}`;
}

/**
 * A caption line as one label, or, when the arrangement asks for `lines` (a narrow
 * `--width` tries more), broken between words into that many at most, narrowest first:
 * a caption wider than the distance between columns pushes them apart, and where text
 * dominates the figure the captions would set its width alone, leaving the neurons none.
 */
function caption(theme: Theme, role: string, style: LabelStyle, text: string, lines: number): PlacedLabel[] {
  return lines <= 1 ? [measuredLabel(theme, role, style, text)] : measuredLines(theme, role, style, words(text), lines);
}

/** A column's caption lines, and the most lines one of them was broken into. */
function columnLabels(spec: ColumnSpec, role: NeuronColumn["role"], hiddenIndex: number, hiddenCount: number, theme: Theme, options: RenderOptions): { lines: PlacedLabel[]; rows: number } {
  const shows = new Set(options.labels);
  const { node, shape, params } = spec.layer;
  const lines: PlacedLabel[] = [];
  let rows = 1;
  const broken = (parts: PlacedLabel[]): PlacedLabel[] => {
    rows = Math.max(rows, parts.length);
    return parts;
  };
  // A written label's first line names the layer; its further lines describe it, like the activation notes.
  const written = node.label?.trim().split("\n") ?? [];
  const title = written[0] ?? (role === "hidden" && hiddenCount > 1 ? `hidden layer ${hiddenIndex}` : `${role} layer`);
  if (shows.has("name")) lines.push(...broken(caption(theme, "label-name", "name", title, options.rows)));
  if (shows.has("shape")) lines.push(measuredLabel(theme, "label-shape", "shape", `∈ ${space(shape[0]!)}`));
  if (shows.has("name")) {
    for (const text of [...written.slice(1), ...(spec.notes.length > 0 ? [spec.notes.join(" → ")] : [])]) lines.push(...broken(caption(theme, "label-detail", "detail", text, options.rows)));
  }
  if (shows.has("params") && params > 0) lines.push(measuredLabel(theme, "label-params", "detail", `${formatCount(params)} params`));
  return { lines, rows };
}

/** Which neurons of an N-neuron layer are drawn, in slots from the top; `null` is the ⋮. */
function slots(n: number): (number | null)[] {
  if (n <= MAX_DRAWN) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: HEAD }, (_, i) => i), null, ...Array.from({ length: TAIL }, (_, i) => n - TAIL + i)];
}

/**
 * Places the columns left to right, centred on one horizontal axis, with their labels in
 * one row under the tallest column so that they read as a table. Returns the figure in
 * absolute points with its size.
 */
export function layoutNeuronFigure(network: AnalyzedNetwork, options: RenderOptions, theme: Theme = getTheme(options.theme)): { figure: NeuronFigure; width: number; height: number } {
  const specs = neuronColumns(network);
  if (typeof specs === "string") throw new Error(`neuron layout of ${network.network.name}: ${specs}`);
  const hiddenCount = specs.length - 2;
  const undirected = options.edges === "undirected";
  // Neurons stay a size a reader sees beside their captions, and captions apart: where text
  // dominates (a narrow `--width`), these grow with the text instead of shrinking under it.
  // The distance between columns does not: it is what a narrower figure gives up.
  const em = theme.text.shape.size;
  const unit = Math.max(1, (MIN_RADIUS_EM * em) / RADIUS);
  const [radius, pitch, biasClearance] = [RADIUS * unit, PITCH * unit, BIAS_CLEARANCE * unit];
  const labelGap = Math.max(LABEL_GAP, MIN_LABEL_GAP_EM * em);

  const slotLists = specs.map((s) => slots(s.layer.shape[0]!));
  // The bias unit's +1 is text: in the theme's size (which print sizing keeps legible), in a
  // circle as large as it needs, never smaller than a neuron.
  const biasText = options.bias ? measuredLabel(theme, "label-bias", "detail", "+1") : undefined;
  const biasSize = theme.text.detail.size;
  const biasRadius = biasText ? Math.max(radius, Math.hypot(biasText.width / 2, BIAS_GLYPH_HALF_HEIGHT * biasSize) + BIAS_MARGIN * biasSize) : radius;
  // Bias units sit above every column but the last, so the tallest column decides the height.
  const halfHeight = Math.max(...slotLists.map((s) => ((s.length - 1) * pitch) / 2));
  const biasOffset = radius + biasClearance + biasRadius;
  const axis = (biasText ? biasRadius + biasOffset : radius) + halfHeight;

  const captions = specs.map((spec, i) =>
    columnLabels(spec, i === 0 ? "input" : i === specs.length - 1 ? "output" : "hidden", i, hiddenCount, theme, options),
  );
  const labelSets = captions.map((c) => c.lines);
  const widthOf = (labels: PlacedLabel[]): number => Math.max(2 * radius, ...labels.map((l) => l.width));
  // A stack of RBMs numbers them, bottom up, as Hinton et al. do; a lone RBM needs no number.
  const rbm = (i: number): string => (specs.length > 2 ? `RBM ${i + 1}` : "RBM");
  const gapLabels = specs.slice(1).map((_, i) => (undirected ? measuredLabel(theme, "label-gap", "frame", rbm(i)) : undefined));
  const xs: number[] = [widthOf(labelSets[0]!) / 2];
  for (let i = 1; i < specs.length; i++) {
    const need = (widthOf(labelSets[i - 1]!) + widthOf(labelSets[i]!)) / 2 + labelGap * 2;
    xs.push(xs[i - 1]! + Math.max(MIN_GAP, need, (gapLabels[i - 1]?.width ?? 0) + labelGap * 2));
  }

  // The gap labels of RBMs sit above the columns, so everything else moves down by their height.
  const gapRoom = undirected ? Math.max(...gapLabels.map((l) => (l ? l.ascent + l.descent + labelGap : 0))) : 0;
  const centreY = gapRoom + axis;
  const columns: NeuronColumn[] = specs.map((spec, i) => {
    const list = slotLists[i]!;
    const x = xs[i]!;
    const top = centreY - ((list.length - 1) * pitch) / 2;
    const neurons: NeuronColumn["neurons"] = [];
    let ellipsis: Point | undefined;
    list.forEach((index, slot) => {
      const center: Point = [x, top + slot * pitch];
      if (index === null) ellipsis = center;
      else neurons.push({ index, center });
    });
    const role = i === 0 ? "input" : i === specs.length - 1 ? "output" : "hidden";
    const bias: Point | undefined = biasText && i < specs.length - 1 ? [x, top - biasOffset] : undefined;
    return {
      id: spec.layer.node.id,
      role,
      size: spec.layer.shape[0]!,
      neurons,
      ...(ellipsis ? { ellipsis } : {}),
      // Centred on the circle: the baseline sits half the glyph height below the centre.
      ...(bias && biasText ? { bias, biasLabel: { ...biasText, at: [bias[0], bias[1] + (biasText.ascent - biasText.descent) / 2] as Point } } : {}),
      labels: labelSets[i]!,
    };
  });

  let y = centreY + halfHeight + radius + labelGap;
  const rowTop = y;
  let bottom = y;
  columns.forEach((column, i) => {
    y = rowTop;
    for (const l of column.labels) {
      l.at = [xs[i]!, y + l.ascent];
      y += l.ascent + l.descent + 1;
    }
    bottom = Math.max(bottom, y);
  });

  const gaps: NeuronGap[] = columns.slice(1).map((column, i) => {
    const label = gapLabels[i];
    if (label) label.at = [(xs[i]! + xs[i + 1]!) / 2, label.ascent];
    return { from: columns[i]!.id, to: column.id, ...(label ? { label } : {}) };
  });

  const left = Math.min(0, ...columns.map((c, i) => xs[i]! - widthOf(c.labels) / 2));
  const right = Math.max(...columns.map((c, i) => xs[i]! + widthOf(c.labels) / 2));
  const rows = Math.max(...captions.map((c) => c.rows));
  const figure = shift({ radius, ...(biasText ? { biasRadius } : {}), undirected, columns, gaps, rows }, -left);
  return { figure, width: right - left, height: bottom };
}

function shift(figure: NeuronFigure, dx: number): NeuronFigure {
  const move = (p: Point): Point => [p[0] + dx, p[1]];
  return {
    ...figure,
    columns: figure.columns.map((c) => ({
      ...c,
      neurons: c.neurons.map((n) => ({ ...n, center: move(n.center) })),
      ...(c.ellipsis ? { ellipsis: move(c.ellipsis) } : {}),
      ...(c.bias ? { bias: move(c.bias) } : {}),
      ...(c.biasLabel ? { biasLabel: { ...c.biasLabel, at: move(c.biasLabel.at) } } : {}),
      labels: c.labels.map((l) => ({ ...l, at: move(l.at) })),
    })),
    gaps: figure.gaps.map((g) => (g.label ? { ...g, label: { ...g.label, at: move(g.label.at) } } : g)),
  };
}
