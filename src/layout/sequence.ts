/**
 * Recurrent networks the way textbooks draw them (Goodfellow et al., fig. 10.3): each
 * layer one node, inputs at the bottom, the recurrent layer with a loop onto itself; then,
 * after an "unfold" arrow, the same network unrolled over time steps 1, 2, 3, …, T with the
 * hidden state passed from each step to the next.
 */

import type { AnalyzedNetwork, LayerAnalysis } from "../analyze/types.js";
import type { RenderOptions } from "../options/figure.js";
import type { Point } from "../geometry/types.js";
import { getOp } from "../ops/index.js";
import { getTheme, type Theme } from "../themes/index.js";
import { subscript, superscript } from "../text/digits.js";
import { measuredLabel } from "./measured.js";
import type { LabelStyle, PlacedLabel } from "./types.js";

export interface SequenceNode {
  /** Unique: the layer id, and the step for unrolled copies (`h@3`). */
  id: string;
  center: Point;
  role: "input" | "recurrent" | "output";
  /** Short symbol drawn inside: x, h, y with the step as a subscript. */
  symbol: string;
}

export interface SequenceLink {
  from: string;
  to: string;
  /** A recurrent layer's connection to itself at the next step, in the folded drawing. */
  loop?: boolean;
  /** Ends at (or starts from) the ⋯ that stands for the steps left out: no node there. */
  towardEllipsis?: "from" | "to";
  /** The ellipsis end when `towardEllipsis` is set. */
  end?: Point;
}

export interface SequenceFigure {
  kind: "sequence";
  radius: number;
  nodes: SequenceNode[];
  links: SequenceLink[];
  /** Where ⋯ stands for the steps left out. */
  ellipses: Point[];
  /** The "unfold" arrow from the folded to the unrolled drawing. */
  unfold: [Point, Point];
  labels: (PlacedLabel & { owner: string })[];
}

/** A recurrent layer (rnn, lstm, gru): the row with the loop. */
const recurrent = (layer: LayerAnalysis): boolean => getOp(layer.node.op).category === "recurrent";
const RADIUS = 13;
const ROW = 62;
const STEP = 58;

interface RowSpec {
  layer: LayerAnalysis;
  notes: string[];
}

/**
 * The rows a sequence figure draws, or the reason it cannot draw the network: input T×N,
 * then a chain of recurrent and per-step dense layers, each followed by layers its op writes
 * as a note (activations, dropout: `OpDef.note`).
 */
export function sequenceRows(network: AnalyzedNetwork): RowSpec[] | string {
  const [first, ...rest] = network.layers;
  if (!first || getOp(first.node.op).category !== "input" || first.shape.length !== 2) return "it does not start with one sequence input (input TxN)";
  const rows: RowSpec[] = [{ layer: first, notes: [] }];
  let previous = first.node.id;
  for (const layer of rest) {
    const { op, inputs, id, attrs } = layer.node;
    const def = getOp(op);
    if (inputs.length !== 1 || inputs[0] !== previous) return `${id} does not read the layer above it (the style draws a chain)`;
    if (layer.shape.length !== 2) return `${id} is not a sequence (TxN)`;
    if (def.category === "recurrent" || def.category === "dense") rows.push({ layer, notes: [] });
    else if (def.note) rows[rows.length - 1]!.notes.push(def.note(attrs));
    else return `${id} is a ${op} layer (the style draws recurrent layers, fc and activations)`;
    previous = id;
  }
  return rows.some((r) => recurrent(r.layer)) ? rows : "it has no recurrent layer";
}

function measured(theme: Theme, role: string, style: LabelStyle, text: string, owner: string): PlacedLabel & { owner: string } {
  return { ...measuredLabel(theme, role, style, text, "end"), owner };
}

/** Steps drawn when unrolling T steps: all of a short sequence, else 1, 2, 3, ⋯, T (`null` is the ⋯). */
function steps(t: number): (number | null)[] {
  return t <= 4 ? Array.from({ length: t }, (_, i) => i + 1) : [1, 2, 3, null, t];
}

export function layoutSequenceFigure(network: AnalyzedNetwork, options: RenderOptions, theme: Theme = getTheme(options.theme)): { figure: SequenceFigure; width: number; height: number } {
  const rows = sequenceRows(network);
  if (typeof rows === "string") throw new Error(`sequence layout of ${network.network.name}: ${rows}`);
  const T = rows[0]!.layer.shape[0]!;
  const recurrentCount = rows.filter((r) => recurrent(r.layer)).length;
  let recurrentIndex = 0;
  const symbols = rows.map((r, i) => {
    if (i === 0) return "x";
    if (recurrent(r.layer)) return recurrentCount > 1 ? `h${superscript(++recurrentIndex)}` : "h";
    return "y";
  });

  // Row labels, right-aligned left of the folded drawing: what the layer is and its size.
  const labels: SequenceFigure["labels"] = [];
  const rowLabels = rows.map((r, i) => {
    const { op, attrs, id } = r.layer.node;
    const kind = i === 0 ? "input" : recurrent(r.layer) ? `${op.toUpperCase()}${attrs["bidirectional"] === true ? " (bi)" : ""}` : "fc";
    const lines = [measured(theme, "label-name", "name", `${kind} ∈ ℝ${superscript(r.layer.shape[1]!)}`, id)];
    if (r.notes.length > 0) lines.push(measured(theme, "label-detail", "detail", r.notes.join(" → "), id));
    return lines;
  });
  const labelWidth = Math.max(...rowLabels.flat().map((l) => l.width));
  const foldedX = labelWidth + 12 + RADIUS;
  const top = RADIUS + 4;
  const yOf = (row: number): number => top + (rows.length - 1 - row) * ROW;
  rowLabels.forEach((lines, row) => {
    const height = lines.reduce((h, l) => h + l.ascent + l.descent, 0);
    let y = yOf(row) - height / 2;
    for (const l of lines) {
      l.at = [foldedX - RADIUS - 8, y + l.ascent];
      y += l.ascent + l.descent;
      labels.push(l);
    }
  });

  const nodes: SequenceNode[] = [];
  const links: SequenceLink[] = [];
  const ellipses: Point[] = [];
  const role = (row: number): SequenceNode["role"] => (row === 0 ? "input" : recurrent(rows[row]!.layer) ? "recurrent" : "output");
  const column = (x: number, step: number | null, suffix: string, ids: string[]): void => {
    rows.forEach((r, row) => {
      const id = `${r.layer.node.id}${suffix}`;
      ids.push(id);
      nodes.push({ id, center: [x, yOf(row)], role: role(row), symbol: `${symbols[row]}${step === null ? "" : subscript(step)}` });
      if (row > 0) links.push({ from: ids[row - 1]!, to: id });
    });
  };

  // Folded: the loop leaves the recurrent node on its right, so the row needs room there.
  const folded: string[] = [];
  column(foldedX, null, "", folded);
  rows.forEach((_, row) => {
    if (role(row) === "recurrent") links.push({ from: folded[row]!, to: folded[row]!, loop: true });
  });
  const unfoldStart: Point = [foldedX + RADIUS + 34, yOf(0) - ((rows.length - 1) * ROW) / 2];
  const unfold: [Point, Point] = [unfoldStart, [unfoldStart[0] + 44, unfoldStart[1]]];
  labels.push({ ...measured(theme, "label-unfold", "detail", "unfold", "unfold"), anchor: "middle", at: [unfoldStart[0] + 22, unfoldStart[1] - 6] });

  let x = unfold[1][0] + 22 + RADIUS;
  let previous: string[] | undefined;
  let previousEllipsis: number | undefined;
  for (const step of steps(T)) {
    if (step === null) {
      rows.forEach((_, row) => {
        const at: Point = [x, yOf(row)];
        ellipses.push(at);
        if (role(row) === "recurrent" && previous) links.push({ from: previous[row]!, to: previous[row]!, towardEllipsis: "to", end: [x - 12, at[1]] });
      });
      previousEllipsis = x;
      previous = undefined;
    } else {
      const ids: string[] = [];
      column(x, step, `@${step}`, ids);
      rows.forEach((_, row) => {
        if (role(row) !== "recurrent") return;
        if (previous) links.push({ from: previous[row]!, to: ids[row]! });
        else if (previousEllipsis !== undefined) links.push({ from: ids[row]!, to: ids[row]!, towardEllipsis: "from", end: [previousEllipsis + 12, yOf(row)] });
      });
      const t = measured(theme, "label-step", "detail", `t = ${step}`, `${rows[0]!.layer.node.id}@${step}`);
      labels.push({ ...t, anchor: "middle", at: [x, yOf(0) + RADIUS + 6 + t.ascent] });
      previous = ids;
    }
    x += STEP;
  }
  const width = x - STEP + RADIUS + 2;
  const height = yOf(0) + RADIUS + 6 + 14;
  return { figure: { kind: "sequence", radius: RADIUS, nodes, links, ellipses, unfold, labels }, width, height };
}
