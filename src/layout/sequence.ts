/**
 * Recurrent networks the way textbooks draw them (Goodfellow et al., fig. 10.3): each
 * layer one node, inputs at the bottom, the recurrent layer with a loop onto itself; then,
 * after an "unfold" arrow, the same network unrolled over time steps 1, 2, 3, …, T with the
 * hidden state passed from each step to the next. A recurrent layer with `layers=` draws a
 * row per stacked layer, and a bidirectional one two per layer (Goodfellow et al., fig.
 * 10.11): the forward state h passed to the next step, the backward state g, set a little
 * to the right, passed to the step before; each row reads both directions of the row below.
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
  /** Short symbol drawn inside: x, h, y with the step as a subscript (g for a backward state). */
  symbol: string;
  /** A bidirectional layer's backward state: its loop and its links to the step before run leftwards. */
  backward?: boolean;
}

export interface SequenceLink {
  from: string;
  to: string;
  /** A recurrent layer's connection to itself at the next step, in the folded drawing. */
  loop?: boolean;
  /** The loop leaves on the node's left: a bidirectional layer's forward state, whose right the links to the backward state take. */
  leftward?: boolean;
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

/** One row of circles: a layer, or one stacked layer and direction of a recurrent layer. */
interface DrawRow {
  spec: RowSpec;
  /** The id its nodes are named by: the layer's, with `.L` and `.fwd`/`.bwd` for an unrolled recurrent layer. */
  id: string;
  /** 1-based stacked layer of a recurrent layer with `layers=`. */
  level: number;
  backward: boolean;
  /** The rows this one reads: the row below, or both directions of the stacked layer below. */
  stage: number;
}

/** Each stacked layer and direction of the recurrent layers their own row, bottom up. */
function drawRows(rows: RowSpec[]): DrawRow[][] {
  const stages: DrawRow[][] = [];
  for (const spec of rows) {
    const { id, attrs } = spec.layer.node;
    if (!recurrent(spec.layer)) {
      stages.push([{ spec, id, level: 1, backward: false, stage: stages.length }]);
      continue;
    }
    const levels = typeof attrs["layers"] === "number" ? attrs["layers"] : 1;
    const both = attrs["bidirectional"] === true;
    for (let level = 1; level <= levels; level++) {
      const at = levels > 1 ? `${id}.${level}` : id;
      const stage = stages.length;
      stages.push(
        both
          ? [
              { spec, id: `${at}.fwd`, level, backward: false, stage },
              { spec, id: `${at}.bwd`, level, backward: true, stage },
            ]
          : [{ spec, id: at, level, backward: false, stage }],
      );
    }
  }
  return stages;
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
  const specs = sequenceRows(network);
  if (typeof specs === "string") throw new Error(`sequence layout of ${network.network.name}: ${specs}`);
  const stages = drawRows(specs);
  const rows = stages.flat();
  const T = specs[0]!.layer.shape[0]!;
  const bidirectional = rows.some((r) => r.backward);
  // A backward state sits this far right of its step, so the links past it stay clear of the forward state.
  const shift = bidirectional ? 32 : 0;
  const step = STEP + shift;
  const recurrentStages = stages.filter((st) => recurrent(st[0]!.spec.layer)).length;
  let recurrentIndex = 0;
  const stageSymbols = stages.map((st, i) => {
    if (i === 0) return "x";
    if (recurrent(st[0]!.spec.layer)) return recurrentStages > 1 ? superscript(++recurrentIndex) : "";
    return "y";
  });
  const symbolOf = (r: DrawRow): string => (recurrent(r.spec.layer) ? `${r.backward ? "g" : "h"}${stageSymbols[r.stage]}` : stageSymbols[r.stage]!);

  // Row labels, right-aligned left of the folded drawing: what the layer is and its size.
  const labels: SequenceFigure["labels"] = [];
  const rowLabels = rows.map((r, i) => {
    const { op, attrs } = r.spec.layer.node;
    const levels = typeof attrs["layers"] === "number" ? attrs["layers"] : 1;
    const both = attrs["bidirectional"] === true;
    const kind =
      i === 0
        ? "input"
        : recurrent(r.spec.layer)
          ? `${op.toUpperCase()}${levels > 1 ? ` layer ${r.level}` : ""}${both ? (r.backward ? " ←" : " →") : ""}`
          : "fc";
    // A direction's state is the layer's hidden size; the layer's output is both directions side by side.
    const size = recurrent(r.spec.layer) ? (attrs["hidden"] as number) : r.spec.layer.shape[1]!;
    const lines = [measured(theme, "label-name", "name", `${kind} ∈ ℝ${superscript(size)}`, r.id)];
    const last = rows[i + 1]?.spec !== r.spec;
    if (r.spec.notes.length > 0 && last) lines.push(measured(theme, "label-detail", "detail", r.spec.notes.join(" → "), r.id));
    return lines;
  });
  const labelWidth = Math.max(...rowLabels.flat().map((l) => l.width));
  // Room between the labels and the folded drawing for loops on the left.
  const foldedX = labelWidth + 12 + RADIUS + (bidirectional ? 24 : 0);
  const top = RADIUS + 4;
  const yOf = (row: number): number => top + (rows.length - 1 - row) * ROW;
  const xOf = (x: number, r: DrawRow): number => (r.backward ? x + shift : x);
  rowLabels.forEach((lines, row) => {
    const height = lines.reduce((h, l) => h + l.ascent + l.descent, 0);
    let y = yOf(row) - height / 2;
    for (const l of lines) {
      l.at = [foldedX - RADIUS - 8 - (bidirectional ? 24 : 0), y + l.ascent];
      y += l.ascent + l.descent;
      labels.push(l);
    }
  });

  const nodes: SequenceNode[] = [];
  const links: SequenceLink[] = [];
  const ellipses: Point[] = [];
  const role = (r: DrawRow): SequenceNode["role"] => (r.stage === 0 ? "input" : recurrent(r.spec.layer) ? "recurrent" : "output");
  const rowIndex = new Map(rows.map((r, i) => [r, i]));
  /** One time step's column: a node per row, each reading every row of the stage below. */
  const column = (x: number, t: number | null, suffix: string): Map<DrawRow, string> => {
    const ids = new Map<DrawRow, string>();
    for (const r of rows) {
      const id = `${r.id}${suffix}`;
      ids.set(r, id);
      nodes.push({ id, center: [xOf(x, r), yOf(rowIndex.get(r)!)], role: role(r), symbol: `${symbolOf(r)}${t === null ? "" : subscript(t)}`, ...(r.backward ? { backward: true } : {}) });
      if (r.stage > 0) for (const below of stages[r.stage - 1]!) links.push({ from: ids.get(below)!, to: id });
    }
    return ids;
  };

  // Folded: a loop leaves each recurrent node on its right; in a bidirectional figure the
  // links to the backward states take the forward states' right, so their loops go left.
  const folded = column(foldedX, null, "");
  for (const r of rows) if (role(r) === "recurrent") links.push({ from: folded.get(r)!, to: folded.get(r)!, loop: true, ...(bidirectional && !r.backward ? { leftward: true } : {}) });
  const unfoldStart: Point = [foldedX + shift + RADIUS + 34, yOf(0) - ((rows.length - 1) * ROW) / 2];
  const unfold: [Point, Point] = [unfoldStart, [unfoldStart[0] + 44, unfoldStart[1]]];
  labels.push({ ...measured(theme, "label-unfold", "detail", "unfold", "unfold"), anchor: "middle", at: [unfoldStart[0] + 22, unfoldStart[1] - 6] });

  let x = unfold[1][0] + 22 + RADIUS;
  let previous: Map<DrawRow, string> | undefined;
  let previousEllipsis: number | undefined;
  for (const t of steps(T)) {
    if (t === null) {
      for (const r of rows) {
        const at: Point = [x + shift / 2, yOf(rowIndex.get(r)!)];
        ellipses.push(at);
        if (role(r) !== "recurrent" || !previous) continue;
        // Forward: from the last step drawn into the ⋯; backward: out of the ⋯ into it.
        const end: Point = [at[0] - 12, at[1]];
        links.push(r.backward ? { from: previous.get(r)!, to: previous.get(r)!, towardEllipsis: "from", end } : { from: previous.get(r)!, to: previous.get(r)!, towardEllipsis: "to", end });
      }
      previousEllipsis = x + shift / 2;
      previous = undefined;
    } else {
      const ids = column(x, t, `@${t}`);
      for (const r of rows) {
        if (role(r) !== "recurrent") continue;
        const here = ids.get(r)!;
        if (previous) links.push(r.backward ? { from: here, to: previous.get(r)! } : { from: previous.get(r)!, to: here });
        else if (previousEllipsis !== undefined) {
          const end: Point = [previousEllipsis + 12, yOf(rowIndex.get(r)!)];
          links.push(r.backward ? { from: here, to: here, towardEllipsis: "to", end } : { from: here, to: here, towardEllipsis: "from", end });
        }
      }
      const label = measured(theme, "label-step", "detail", `t = ${t}`, `${rows[0]!.id}@${t}`);
      labels.push({ ...label, anchor: "middle", at: [x, yOf(0) + RADIUS + 6 + label.ascent] });
      previous = ids;
    }
    x += step;
  }
  const width = x - step + shift + RADIUS + 2;
  const height = yOf(0) + RADIUS + 6 + 14;
  return { figure: { kind: "sequence", radius: RADIUS, nodes, links, ellipses, unfold, labels }, width, height };
}
