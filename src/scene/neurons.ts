/**
 * Primitives of a neuron-level figure: connections first (so neurons cover their ends),
 * then neurons, ellipses, bias units and labels. Every connection is a separate path
 * linked to the two neurons it joins, so the geometric check can verify that it starts
 * and ends on them.
 */

import type { NeuronColumn, NeuronFigure } from "../layout/neurons.js";
import type { Theme } from "../themes/index.js";
import type { Point } from "../geometry/types.js";
import type { Primitive } from "./types.js";
import { labelText } from "./label.js";

/** Dense connections are many: thinner and lighter than block edges so neurons stay the subject. */
const LINK_WIDTH = 0.5;
/** …but never thinner than this part of an edge, which print sizing keeps at the theme's points. */
const MIN_LINK_OF_EDGE = 0.45;
/** The ⋮'s dots, in neuron radii. */
const DOT_RADIUS = 1.3 / 8;
const LINK_COLOR = "#8c8c8c";
/**
 * Arrow heads show the direction where a few connections meet a neuron; beyond this many
 * per gap they pile into a blot at every target, and the columns' order says it instead.
 */
const MAX_ARROWED_LINKS = 24;

const neuronId = (column: string, index: number | "bias"): string => `${column}#${index}`;

/** Inputs grey, hidden units lilac, a directed network's outputs orange; an RBM's top layer is just hidden. */
function fillOf(column: NeuronColumn, theme: Theme, undirected: boolean): string {
  if (column.role === "input") return theme.categories.input.fill;
  return column.role === "output" && !undirected ? theme.categories.activation.fill : theme.categories.dense.fill;
}

/** A straight connection between two circles, from rim to rim (`radius` of the first, then of the second). */
function link(from: Point, to: Point, [fromRadius, toRadius]: [number, number], owners: [string, string], arrow: boolean, width: number): Primitive {
  const dx = to[0] - from[0];
  const dy = to[1] - from[1];
  const d = Math.hypot(dx, dy);
  const ux = dx / d;
  const uy = dy / d;
  return {
    type: "path",
    role: "edge",
    owner: `${owners[0]}->${owners[1]}`,
    link: { from: owners[0], to: owners[1] },
    commands: [
      { op: "M", to: [from[0] + ux * fromRadius, from[1] + uy * fromRadius] },
      { op: "L", to: [to[0] - ux * toRadius, to[1] - uy * toRadius] },
    ],
    paint: { stroke: { color: LINK_COLOR, width, cap: "round" } },
    ...(arrow ? { arrow: "end" as const } : {}),
  };
}

export function drawNeurons(figure: NeuronFigure, theme: Theme): Primitive[] {
  const { radius } = figure;
  const biasRadius = figure.biasRadius ?? radius;
  const width = Math.max(LINK_WIDTH, MIN_LINK_OF_EDGE * theme.edge.width);
  const links: Primitive[] = [];
  const shapes: Primitive[] = [];
  const byId = new Map(figure.columns.map((c) => [c.id, c]));
  for (const gap of figure.gaps) {
    const from = byId.get(gap.from)!;
    const to = byId.get(gap.to)!;
    const sources: [Point, string][] = from.neurons.map((n) => [n.center, neuronId(from.id, n.index)]);
    // The bias unit's weights are directed even in an RBM figure: nothing flows back into +1.
    const bias: [Point, string][] = from.bias ? [[from.bias, neuronId(from.id, "bias")]] : [];
    const arrowed = (sources.length + bias.length) * to.neurons.length <= MAX_ARROWED_LINKS;
    for (const target of to.neurons) {
      const targetId = neuronId(to.id, target.index);
      for (const [center, id] of sources) links.push(link(center, target.center, [radius, radius], [id, targetId], arrowed && !figure.undirected, width));
      for (const [center, id] of bias) links.push(link(center, target.center, [biasRadius, radius], [id, targetId], arrowed, width));
    }
    if (gap.label) shapes.push(labelText(gap.label, theme, `${gap.from}->${gap.to}`));
  }

  const stroke = { color: theme.outline.color, width: theme.outline.width * 1.3 };
  for (const column of figure.columns) {
    const fill = fillOf(column, theme, figure.undirected);
    for (const n of column.neurons) {
      shapes.push({ type: "circle", role: "neuron", owner: neuronId(column.id, n.index), layer: column.id, center: n.center, radius, paint: { fill, stroke } });
    }
    if (column.ellipsis) {
      // Three dots rather than the ⋮ glyph: the same in every font, and centred exactly.
      for (const dy of [-radius * 0.6, 0, radius * 0.6]) {
        shapes.push({ type: "circle", role: "ellipsis", owner: column.id, layer: column.id, center: [column.ellipsis[0], column.ellipsis[1] + dy], radius: DOT_RADIUS * radius, paint: { fill: theme.outline.color } });
      }
    }
    if (column.bias) {
      const owner = neuronId(column.id, "bias");
      shapes.push({ type: "circle", role: "neuron", owner, layer: column.id, center: column.bias, radius: biasRadius, paint: { fill: theme.background === "none" ? "#ffffff" : theme.background, stroke: { ...stroke, dash: [2, 1.5] } } });
      if (column.biasLabel) shapes.push({ ...labelText(column.biasLabel, theme, owner), layer: column.id });
    }
    for (const l of column.labels) shapes.push({ ...labelText(l, theme, column.id), layer: column.id });
  }
  return [...links, ...shapes];
}
