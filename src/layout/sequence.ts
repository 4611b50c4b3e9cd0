/**
 * Recurrent networks the way textbooks draw them (Goodfellow et al., fig. 10.3): each
 * layer one node, inputs at the bottom, the recurrent layer with a loop onto itself; then,
 * after an "unfold" arrow, the same network unrolled over time steps 1, 2, 3, …, T with the
 * hidden state passed from each step to the next. A recurrent layer with `layers=` draws a
 * row per stacked layer, and a bidirectional one two per layer (Goodfellow et al., fig.
 * 10.11): the forward state h passed to the next step, the backward state g, set a little
 * to the right, passed to the step before; each row reads both directions of the row below.
 *
 * Where the whole drawing does not fit a printed width, two lighter ones: `terse` draws only
 * the unrolled network, over fewer steps (1, 2, ⋯, T), its row labels in two lines;
 * `collapse` only the folded one. Circles and spacing grow with the text they hold, so a
 * figure laid out for small print keeps every symbol inside its circle.
 */

import type { AnalyzedNetwork, LayerAnalysis } from "../analyze/types.js";
import type { RenderOptions } from "../options/figure.js";
import type { Point } from "../geometry/types.js";
import { getOp } from "../ops/index.js";
import { fontOf, getTheme, type Theme } from "../themes/index.js";
import { subscript, superscript } from "../text/digits.js";
import { measureText } from "../text/measure.js";
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
  /** The "unfold" arrow from the folded to the unrolled drawing, when both are drawn. */
  unfold?: [Point, Point];
  labels: (PlacedLabel & { owner: string })[];
  /** The lighter drawings it honours when printing asks for less (see above): what this one is. */
  detail: { terse: boolean; collapse: boolean };
}

/** A recurrent layer (rnn, lstm, gru): the row with the loop. */
const recurrent = (layer: LayerAnalysis): boolean => getOp(layer.node.op).category === "recurrent";
const RADIUS = 13;
/** The circles' radius where their symbols fit it, as the scene sizes the ⋯ by. */
export const SEQUENCE_RADIUS = RADIUS;
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

/** Steps drawn when unrolling T steps: all of a short sequence, else 1, 2, 3, ⋯, T (`null` is the ⋯); `few`: 1, 2, ⋯, T. */
function steps(t: number, few: boolean): (number | null)[] {
  const shown = few ? 3 : 4;
  return t <= shown ? Array.from({ length: t }, (_, i) => i + 1) : few ? [1, 2, null, t] : [1, 2, 3, null, t];
}

/** Room between a symbol and its circle's rim, beside it. */
const SYMBOL_PAD = 1.5;
/** The share of a line's height (ascent + descent) a symbol's ink takes: what must fit the circle's height. */
const SYMBOL_HEIGHT = 0.8;

export function layoutSequenceFigure(network: AnalyzedNetwork, options: RenderOptions, theme: Theme = getTheme(options.theme)): { figure: SequenceFigure; width: number; height: number } {
  const specs = sequenceRows(network);
  if (typeof specs === "string") throw new Error(`sequence layout of ${network.network.name}: ${specs}`);
  const folds = !options.terse || options.collapse;
  const unrolls = !options.collapse;
  const stages = drawRows(specs);
  const rows = stages.flat();
  const T = specs[0]!.layer.shape[0]!;
  const timeSteps = steps(T, options.terse);
  const bidirectional = rows.some((r) => r.backward);
  const recurrentStages = stages.filter((st) => recurrent(st[0]!.spec.layer)).length;
  let recurrentIndex = 0;
  const stageSymbols = stages.map((st, i) => {
    if (i === 0) return "x";
    if (recurrent(st[0]!.spec.layer)) return recurrentStages > 1 ? superscript(++recurrentIndex) : "";
    return "y";
  });
  const symbolOf = (r: DrawRow): string => (recurrent(r.spec.layer) ? `${r.backward ? "g" : "h"}${stageSymbols[r.stage]}` : stageSymbols[r.stage]!);

  // Row labels, right-aligned left of the drawing: what the layer is and its size (in two lines when terse).
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
    const size = `∈ ℝ${superscript(recurrent(r.spec.layer) ? (attrs["hidden"] as number) : r.spec.layer.shape[1]!)}`;
    const lines = options.terse
      ? [measured(theme, "label-name", "name", kind, r.id), measured(theme, "label-detail", "detail", size, r.id)]
      : [measured(theme, "label-name", "name", `${kind} ${size}`, r.id)];
    const last = rows[i + 1]?.spec !== r.spec;
    if (r.spec.notes.length > 0 && last) lines.push(measured(theme, "label-detail", "detail", r.spec.notes.join(" → "), r.id));
    return lines;
  });
  const labelWidth = Math.max(...rowLabels.flat().map((l) => l.width));

  // The circle holds the widest symbol (x₅₀, g²₅₀); steps are at least two circles and a time
  // label apart, rows two circles and a row label's lines; the small offsets grow with the circle.
  const symbolFont = { ...fontOf(theme, theme.text.name), style: "italic" as const };
  const symbols = rows.flatMap((r) => [symbolOf(r), ...timeSteps.filter((t): t is number => t !== null).map((t) => `${symbolOf(r)}${subscript(t)}`)]);
  const symbolRadius = Math.max(...symbols.map((text) => {
    const m = measureText(text, symbolFont);
    return Math.max(m.width / 2, ((m.ascent + m.descent) / 2) * SYMBOL_HEIGHT) + SYMBOL_PAD;
  }));
  const timeLabels = timeSteps.filter((t): t is number => t !== null).map((t) => measured(theme, "label-step", "detail", `t = ${t}`, `${rows[0]!.id}@${t}`));
  const widestTime = Math.max(0, ...timeLabels.map((l) => l.width));
  const tallestRowLabel = Math.max(...rowLabels.map((lines) => lines.reduce((h, l) => h + l.ascent + l.descent, 0)));
  const radius = Math.max(RADIUS, symbolRadius);
  const k = radius / RADIUS;
  const rowGap = Math.max(ROW, 2 * radius + 36, tallestRowLabel + 8);
  // A backward state sits this far right of its step, so the links past it stay clear of the forward state.
  const shift = bidirectional ? Math.max(32, 1.6 * radius + 11) : 0;
  const step = Math.max(STEP, 2 * radius + 32, widestTime + 8) + shift;

  // Room between the labels and the folded drawing for loops on the left.
  const loopRoom = bidirectional && folds ? 24 * k : 0;
  const firstX = labelWidth + 12 * k + radius + loopRoom;
  const top = radius + 4 * k;
  const yOf = (row: number): number => top + (rows.length - 1 - row) * rowGap;
  const xOf = (x: number, r: DrawRow): number => (r.backward ? x + shift : x);
  rowLabels.forEach((lines, row) => {
    const height = lines.reduce((h, l) => h + l.ascent + l.descent, 0);
    let y = yOf(row) - height / 2;
    for (const l of lines) {
      l.at = [firstX - radius - 8 * k - loopRoom, y + l.ascent];
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

  let x = firstX;
  let unfold: [Point, Point] | undefined;
  if (folds) {
    // Folded: a loop leaves each recurrent node on its right; in a bidirectional figure the
    // links to the backward states take the forward states' right, so their loops go left.
    const folded = column(firstX, null, "");
    for (const r of rows) if (role(r) === "recurrent") links.push({ from: folded.get(r)!, to: folded.get(r)!, loop: true, ...(bidirectional && !r.backward ? { leftward: true } : {}) });
    if (unrolls) {
      const unfoldStart: Point = [firstX + shift + radius + 34 * k, yOf(0) - ((rows.length - 1) * rowGap) / 2];
      unfold = [unfoldStart, [unfoldStart[0] + 44 * k, unfoldStart[1]]];
      labels.push({ ...measured(theme, "label-unfold", "detail", "unfold", "unfold"), anchor: "middle", at: [unfoldStart[0] + 22 * k, unfoldStart[1] - 6 * k] });
      x = unfold[1][0] + 22 * k + radius;
    } else {
      // The loops reach 2.6 radii right of the folded column.
      x += shift + 2.6 * radius + step;
    }
  }

  let previous: Map<DrawRow, string> | undefined;
  let previousEllipsis: number | undefined;
  let timeLabel = 0;
  for (const t of unrolls ? timeSteps : []) {
    if (t === null) {
      for (const r of rows) {
        const at: Point = [x + shift / 2, yOf(rowIndex.get(r)!)];
        ellipses.push(at);
        if (role(r) !== "recurrent" || !previous) continue;
        // Forward: from the last step drawn into the ⋯; backward: out of the ⋯ into it.
        const end: Point = [at[0] - 12 * k, at[1]];
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
          const end: Point = [previousEllipsis + 12 * k, yOf(rowIndex.get(r)!)];
          links.push(r.backward ? { from: here, to: here, towardEllipsis: "to", end } : { from: here, to: here, towardEllipsis: "from", end });
        }
      }
      const label = timeLabels[timeLabel++]!;
      labels.push({ ...label, anchor: "middle", at: [x, yOf(0) + radius + 6 * k + label.ascent] });
      previous = ids;
    }
    x += step;
  }
  const lastTime = timeLabels.at(-1);
  // The last column's circles, or the loops of a folded drawing alone; and half the last time label.
  const width = unrolls ? x - step + Math.max(shift + radius, (lastTime?.width ?? 0) / 2) + 2 : x - step + 2;
  const height = yOf(0) + radius + (unrolls ? 6 * k + 14 * k : 4 * k);
  const figure: SequenceFigure = { kind: "sequence", radius, nodes, links, ellipses, ...(unfold ? { unfold } : {}), labels, detail: { terse: options.terse, collapse: options.collapse } };
  return { figure, width, height };
}
