/**
 * The Transformer block diagram (Vaswani et al. 2017, fig. 1; Dosovitskiy et al. 2021,
 * fig. 1) placed: each column of steps (structure.ts) bottom to top on its own axis, the
 * encoder's residuals and ×N on its left, a decoder's on its right, the cross-attention
 * arrow from the encoder's output across the gap into the decoder's attention, and the
 * sizes of the token rows beside them. Lengths are in ems of the theme's shape labels with
 * a few fixed points added, so `--width` can fit the figure (fit/width.ts).
 */

import type { AnalyzedNetwork } from "../../analyze/types.js";
import type { Point, Rect } from "../../geometry/types.js";
import type { OpCategory } from "../../ops/types.js";
import type { Theme } from "../../themes/types.js";
import { measuredLabel } from "../measured.js";
import type { LabelStyle, PlacedLabel } from "../types.js";
import { transformerStructure, type Column, type Step } from "./structure.js";

/** One thing to draw, in drawing order; `layer` names the analysed layer it draws (absent: chrome). */
export type TransformerPart =
  | { type: "frame"; owner: string; rect: Rect }
  | { type: "arrow"; owner: string; points: Point[] }
  | { type: "dot"; owner: string; center: Point }
  | { type: "box"; owner: string; layer: string; category: OpCategory; rect: Rect }
  | { type: "sum"; owner: string; layer: string; center: Point; radius: number }
  | { type: "wave"; owner: string; layer: string; category: OpCategory; center: Point; radius: number; learned: boolean }
  | { type: "image"; owner: string; layer: string; category: OpCategory; rect: Rect; grid: number }
  | { type: "cell"; owner: string; layer: string; category: OpCategory; rect: Rect; strong: boolean }
  | { type: "ellipsis"; owner: string; layer: string; center: Point; spacing: number }
  | { type: "label"; owner: string; layer?: string; label: PlacedLabel };

export interface TransformerFigure {
  parts: TransformerPart[];
}

/** How many token vectors a row draws at most; its size label says how many it stands for. */
const MAX_CELLS = 6;

/** The figure's lengths in points, from the theme's label size (fit/width.ts scales that for --width). */
interface Sizes {
  em: number;
  /** Inside a box, around its text. */
  padX: number;
  padY: number;
  /** Between one step and the next: the stream's arrow. */
  gap: number;
  /** How far below a step its residual leaves the stream. */
  tap: number;
  /** From a box's side to the residual running past it. */
  lane: number;
  framePad: number;
  /** The ⊕. */
  radius: number;
  /** The positional encoding's circle. */
  wave: number;
  /** Between a thing and what is written or drawn beside it. */
  beside: number;
  /** A token vector. */
  cell: { width: number; height: number; gap: number };
  /** A token id's square. */
  id: number;
  image: number;
  columnGap: number;
}

function sizesOf(theme: Theme): Sizes {
  const em = theme.text.shape.size;
  return {
    em,
    padX: 0.6 * em,
    padY: 0.35 * em,
    gap: 0.65 * em + 3,
    tap: 0.4 * em + 2,
    lane: 0.6 * em + 4,
    framePad: 0.4 * em + 3,
    radius: 0.6 * em,
    wave: 0.75 * em + 1,
    beside: 0.6 * em + 3,
    cell: { width: 0.4 * em + 2.5, height: 1.1 * em + 5, gap: 0.2 * em + 1.5 },
    id: 0.6 * em + 3,
    image: 2.2 * em + 10,
    columnGap: 1.6 * em + 10,
  };
}

interface Measured {
  step: Step;
  height: number;
  title: PlacedLabel[];
  /** A box's detail lines. */
  details: PlacedLabel[];
  /** The size beside a row or an input. */
  note?: PlacedLabel;
  /** A row whose first vector is a prepended class token says so on its other side (the ViT paper's "[class] embedding"). */
  classNote?: PlacedLabel;
  sideLines: PlacedLabel[];
  sideNotes: PlacedLabel[];
}

const label = (theme: Theme, role: string, style: LabelStyle, text: string, anchor: PlacedLabel["anchor"] = "middle"): PlacedLabel => measuredLabel(theme, role, style, text, anchor);
const lineHeight = (l: PlacedLabel): number => l.ascent + l.descent;
const cellsOf = (step: Step): number => Math.min(MAX_CELLS, Math.max(1, step.shape!.length === 1 && step.kind === "tokens" ? 1 : step.shape![0]!));

function measure(step: Step, theme: Theme, s: Sizes): Measured {
  const title = step.kind === "box" ? step.lines.map((t) => label(theme, "label-box", "shape", t)) : [];
  const beside = step.kind === "image" || step.kind === "ids" || step.kind === "tokens";
  const details = step.kind === "box" && step.detail ? step.detail.split("\n").map((t) => label(theme, "label-detail", "detail", t)) : [];
  const note = beside ? label(theme, "label-shape", "detail", step.lines[0]!, "start") : undefined;
  const classNote = step.classToken ? label(theme, "label-detail", "detail", "class token", "end") : undefined;
  const sideLines = (step.side?.lines ?? []).map((t) => label(theme, step.side!.kind === "box" ? "label-box" : "label-side", "shape", t, step.side!.kind === "box" ? "middle" : "start"));
  const sideNotes = (step.side?.detail ?? "").split("\n").filter((t) => t !== "").map((t) => label(theme, "label-detail", "detail", t));
  let height: number;
  switch (step.kind) {
    case "box":
      height = [...title, ...details].reduce((h, l) => h + lineHeight(l), 0) + 2 * s.padY;
      break;
    case "sum":
      height = 2 * s.radius;
      break;
    case "image":
      height = s.image;
      break;
    case "ids":
      height = s.id;
      break;
    case "tokens":
      height = s.cell.height;
      break;
  }
  if (step.side?.kind === "box") height = Math.max(height, [...sideLines, ...sideNotes].reduce((h, l) => h + lineHeight(l), 0) + 2 * s.padY);
  if (step.side?.kind === "wave") height = Math.max(height, 2 * s.wave, sideLines.reduce((h, l) => h + lineHeight(l), 0));
  return { step, height, title, details, sideLines, sideNotes, ...(note ? { note } : {}), ...(classNote ? { classNote } : {}) };
}

interface PlacedColumn {
  column: Column;
  measured: Measured[];
  /** Width of its boxes. */
  width: number;
  sideWidth: number;
  /** −1: residuals, side addends and ×N on the left; +1 on the right. */
  side: -1 | 1;
  bottoms: number[];
  top: number;
  left: number;
  right: number;
  axis: number;
}

function rowWidth(step: Step, s: Sizes): number {
  if (step.kind === "image") return s.image;
  if (step.kind === "ids") return cellsOf(step) * s.id + (cellsOf(step) - 1) * s.cell.gap;
  return cellsOf(step) * s.cell.width + (cellsOf(step) - 1) * s.cell.gap;
}

function placeColumn(column: Column, index: number, count: number, theme: Theme, s: Sizes): PlacedColumn {
  const measured = column.steps.map((step) => measure(step, theme, s));
  const textWidth = (m: Measured): number => Math.max(0, ...m.title.map((l) => l.width), ...m.details.map((l) => l.width));
  const width = Math.max(4 * s.em, ...measured.map((m) => textWidth(m) + 2 * s.padX));
  const sideWidth = Math.max(0, ...measured.filter((m) => m.step.side?.kind === "box").map((m) => Math.max(...[...m.sideLines, ...m.sideNotes].map((l) => l.width)) + 2 * s.padX));
  const side: -1 | 1 = index > 0 && index === count - 1 ? 1 : -1;

  // Bottom to top; a stack's frame takes a pad below its first step and above its last.
  const bottoms: number[] = [];
  let y = 0;
  measured.forEach((m, i) => {
    if (i > 0) y += s.gap + (column.stacks.some((st) => st.first === i || st.last === i - 1) ? s.framePad + s.tap : 0);
    bottoms.push(y);
    y += m.height;
  });

  // How far the column reaches either side of its axis.
  let left = width / 2;
  let right = width / 2;
  const reach = (toward: -1 | 1, extent: number): void => {
    if (toward < 0) left = Math.max(left, extent);
    else right = Math.max(right, extent);
  };
  for (const m of measured) {
    const step = m.step;
    if (step.kind === "image" || step.kind === "ids" || step.kind === "tokens") {
      reach(-1, rowWidth(step, s) / 2 + (m.classNote ? s.beside + m.classNote.width : 0));
      reach(1, rowWidth(step, s) / 2 + s.beside + (m.note?.width ?? 0));
    }
    if (step.side?.kind === "wave") reach(side, s.radius + s.beside + 2 * s.wave + s.beside / 2 + Math.max(...m.sideLines.map((l) => l.width)));
    if (step.side?.kind === "box") reach(side, s.radius + s.beside * 1.5 + sideWidth);
  }
  if (measured.some((m) => m.step.cross?.column === index)) reach(side === -1 ? 1 : -1, width / 2 + s.lane + s.beside);
  for (const stack of column.stacks) {
    const badge = label(theme, "label-frame", "badge", `${stack.count}×`);
    reach(side, width / 2 + s.lane + s.framePad + s.beside / 2 + badge.width);
    reach(side === -1 ? 1 : -1, width / 2 + s.framePad);
  }
  return { column, measured, width, sideWidth, side, bottoms, top: y, left, right, axis: 0 };
}

/** The figure's parts and size; `network` must fit (transformerStructure returns columns). */
export function layoutTransformerFigure(network: AnalyzedNetwork, theme: Theme): { figure: TransformerFigure; width: number; height: number } {
  const structure = transformerStructure(network);
  if (typeof structure === "string") throw new Error(`transformer layout of ${network.network.name}: ${structure}`);
  const s = sizesOf(theme);
  const columns = structure.columns.map((c, i) => placeColumn(c, i, structure.columns.length, theme, s));
  let x = 0;
  for (const c of columns) {
    c.axis = x + c.left;
    x = c.axis + c.right + s.columnGap;
  }
  const width = x - s.columnGap;

  // Cross-attention arrows rise a gap above their source before turning; the page must hold them.
  let top = Math.max(...columns.map((c) => c.top));
  for (const c of columns) for (const m of c.measured) if (m.step.cross) top = Math.max(top, topOf(columns[m.step.cross.column]!, m.step.cross.step) + s.gap);
  const Y = (up: number): number => top - up;
  const centerY = (c: PlacedColumn, i: number): number => Y(c.bottoms[i]! + c.measured[i]!.height / 2);

  const frames: TransformerPart[] = [];
  const arrows: TransformerPart[] = [];
  const items: TransformerPart[] = [];

  columns.forEach((c, ci) => {
    const { axis, width: w, side } = c;
    const edgeX = (m: Measured, toward: number): number => axis + toward * (m.step.kind === "sum" ? s.radius : m.step.kind === "box" ? w / 2 : 0);

    c.column.stacks.forEach((stack, si) => {
      const bottom = Y(c.bottoms[stack.first]! - s.tap - s.framePad / 2);
      const upper = Y(topOf(c, stack.last) + s.framePad);
      const near = w / 2 + s.framePad;
      const far = w / 2 + s.lane + s.framePad;
      const x0 = side < 0 ? axis - far : axis - near;
      const x1 = side < 0 ? axis + near : axis + far;
      const owner = `stack-${ci}-${si}`;
      frames.push({ type: "frame", owner, rect: { x: x0, y: upper, width: x1 - x0, height: bottom - upper } });
      const badge = label(theme, "label-frame", "badge", side < 0 ? `${stack.count}×` : `×${stack.count}`, side < 0 ? "end" : "start");
      badge.at = [side < 0 ? x0 - s.beside / 2 : x1 + s.beside / 2, (upper + bottom) / 2 + (badge.ascent - badge.descent) / 2];
      frames.push({ type: "label", owner, label: badge });
    });

    c.measured.forEach((m, i) => {
      const step = m.step;
      const owner = `step-${ci}-${i}`;
      const layer = step.layers[0];
      const cy = centerY(c, i);
      // The stream from the step below.
      if (i > 0) arrows.push({ type: "arrow", owner: `${owner}-in`, points: [[axis, Y(drawnEdge(c, i - 1, 1, s))], [axis, Y(drawnEdge(c, i, -1, s))]] });
      if (step.residualFrom !== undefined) {
        const tapY = Y(drawnEdge(c, step.residualFrom, -1, s) - s.tap);
        const lane = axis + side * (w / 2 + s.lane);
        arrows.push({ type: "dot", owner: `${owner}-residual`, center: [axis, tapY] });
        arrows.push({ type: "arrow", owner: `${owner}-residual`, points: [[axis, tapY], [lane, tapY], [lane, cy], [edgeX(m, side), cy]] });
      }
      if (step.cross && step.cross.column === ci) {
        // Keys and values from lower in the same column: a lane on the side the residuals leave free.
        const tapY = Y(drawnEdge(c, step.cross.step, 1, s) + s.gap / 2);
        const lane = axis - side * (w / 2 + s.lane);
        arrows.push({ type: "dot", owner: `${owner}-cross`, center: [axis, tapY] });
        arrows.push({ type: "arrow", owner: `${owner}-cross`, points: [[axis, tapY], [lane, tapY], [lane, cy], [edgeX(m, -side), cy]] });
      } else if (step.cross) {
        const from = columns[step.cross.column]!;
        const toward = from.axis < axis ? -1 : 1;
        const sourceTop = Y(drawnEdge(from, step.cross.step, 1, s));
        const turn = Y(topOf(from, step.cross.step) + s.gap);
        const between = toward < 0 ? (from.axis + from.right + axis - c.left) / 2 : (axis + c.right + from.axis - from.left) / 2;
        arrows.push({ type: "arrow", owner: `${owner}-cross`, points: [[from.axis, sourceTop], [from.axis, turn], [between, turn], [between, cy], [edgeX(m, toward), cy]] });
      }

      if (layer === undefined) return;
      switch (step.kind) {
        case "box": {
          const rect = { x: axis - w / 2, y: Y(c.bottoms[i]! + m.height), width: w, height: m.height };
          items.push({ type: "box", owner, layer, category: step.category, rect });
          const lines = [...m.title, ...m.details];
          let baseline = rect.y + s.padY;
          for (const l of lines) {
            baseline += l.ascent;
            items.push({ type: "label", owner, layer, label: { ...l, at: [axis, baseline] } });
            baseline += l.descent;
          }
          break;
        }
        case "sum":
          items.push({ type: "sum", owner, layer, center: [axis, cy], radius: s.radius });
          break;
        case "image": {
          const rect = { x: axis - s.image / 2, y: Y(c.bottoms[i]! + s.image), width: s.image, height: s.image };
          items.push({ type: "image", owner, layer, category: step.category, rect, grid: 4 });
          break;
        }
        case "ids":
        case "tokens": {
          const n = cellsOf(step);
          const cw = step.kind === "ids" ? s.id : s.cell.width;
          const ch = step.kind === "ids" ? s.id : s.cell.height;
          const x0 = axis - rowWidth(step, s) / 2;
          // A longer sequence keeps its first tokens and its last, with ⋯ for those between.
          const elided = (step.kind === "ids" || step.shape!.length === 2) && step.shape![0]! > MAX_CELLS;
          for (let k = 0; k < n; k++) {
            const x = x0 + k * (cw + s.cell.gap);
            if (elided && k === n - 2) {
              items.push({ type: "ellipsis", owner: `${owner}-${k}`, layer, center: [x + cw / 2, cy], spacing: cw / 3 });
              continue;
            }
            const rect = { x, y: cy - ch / 2, width: cw, height: ch };
            items.push({ type: "cell", owner: `${owner}-${k}`, layer, category: step.category, rect, strong: step.classToken === true && k === 0 });
          }
          break;
        }
      }
      if (m.note) {
        const at: Point = [axis + rowWidth(step, s) / 2 + s.beside, cy + (m.note.ascent - m.note.descent) / 2];
        items.push({ type: "label", owner, layer, label: { ...m.note, at } });
      }
      if (m.classNote) {
        const at: Point = [axis - rowWidth(step, s) / 2 - s.beside, cy + (m.classNote.ascent - m.classNote.descent) / 2];
        items.push({ type: "label", owner, layer, label: { ...m.classNote, at } });
      }
      if (step.side) sideParts(step, m, owner, axis, cy, side, c.sideWidth, s, items, arrows);
    });
  });

  return {
    figure: { parts: [...frames, ...arrows, ...items] },
    width,
    height: top + s.tap,
  };
}

/** Where what step `i` draws on the axis ends below (−1) or above (+1): a ⊕ beside a taller addend is shorter than its step. */
function drawnEdge(c: PlacedColumn, i: number, toward: -1 | 1, s: Sizes): number {
  const m = c.measured[i]!;
  const half = m.step.kind === "sum" ? s.radius : m.step.kind === "tokens" ? s.cell.height / 2 : m.step.kind === "ids" ? s.id / 2 : m.step.kind === "image" ? s.image / 2 : m.height / 2;
  return c.bottoms[i]! + m.height / 2 + toward * half;
}

function topOf(c: PlacedColumn, i: number): number {
  return c.bottoms[i]! + c.measured[i]!.height;
}

/** A ⊕'s second addend beside it, with the arrow into the ⊕. */
function sideParts(
  step: Step,
  m: Measured,
  owner: string,
  axis: number,
  cy: number,
  side: -1 | 1,
  sideWidth: number,
  s: Sizes,
  items: TransformerPart[],
  arrows: TransformerPart[],
): void {
  const addend = step.side!;
  const layer = addend.layers[addend.layers.length - 1]!;
  const start = axis + side * (s.radius + s.beside);
  if (addend.kind === "wave") {
    const center: Point = [start + side * s.wave, cy];
    arrows.push({ type: "arrow", owner: `${owner}-side`, points: [[center[0] - side * s.wave, cy], [axis + side * s.radius, cy]] });
    items.push({ type: "wave", owner: `${owner}-side`, layer, category: addend.category, center, radius: s.wave, learned: addend.learned === true });
    const height = m.sideLines.reduce((h, l) => h + lineHeight(l), 0);
    let baseline = cy - height / 2;
    for (const l of m.sideLines) {
      baseline += l.ascent;
      const x = center[0] + side * (s.wave + s.beside / 2);
      items.push({ type: "label", owner: `${owner}-side`, layer, label: { ...l, anchor: side < 0 ? "end" : "start", at: [x, baseline] } });
      baseline += l.descent;
    }
    return;
  }
  const lines = [...m.sideLines, ...m.sideNotes];
  const height = lines.reduce((h, l) => h + lineHeight(l), 0) + 2 * s.padY;
  const x = side < 0 ? start - s.beside / 2 - sideWidth : start + s.beside / 2;
  const rect = { x, y: cy - height / 2, width: sideWidth, height };
  arrows.push({ type: "arrow", owner: `${owner}-side`, points: [[side < 0 ? x + sideWidth : x, cy], [axis + side * s.radius, cy]] });
  items.push({ type: "box", owner: `${owner}-side`, layer, category: addend.category, rect });
  let baseline = rect.y + s.padY;
  for (const l of lines) {
    baseline += l.ascent;
    items.push({ type: "label", owner: `${owner}-side`, layer, label: { ...l, at: [x + sideWidth / 2, baseline] } });
    baseline += l.descent;
  }
}

/** Why the Transformer style cannot draw the network, or true. */
export function transformerFits(network: AnalyzedNetwork): true | string {
  const structure = transformerStructure(network);
  return typeof structure === "string" ? structure : true;
}
