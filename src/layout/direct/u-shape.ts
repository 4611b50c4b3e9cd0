/**
 * Encoder–decoder networks drawn as a U, the way the U-Net paper draws them: the encoder
 * steps down one level at a time on the left, the bottleneck runs along the bottom, the
 * decoder steps back up on the right, and every skip connection runs straight across its
 * level from the encoder's last block to the decoder's merge. The figure is as wide as
 * its widest level, not as long as the network.
 *
 * It applies when the network is one path (each block feeding the next, in the order
 * written) plus at least two skips that nest like brackets; anything else returns
 * `undefined` and is laid out as a line.
 */
import type { Point, Rect } from "../../geometry/types.js";
import type { DrawnEdge } from "../drawn.js";
import type { ElkFrameInput, ElkInputNode } from "../elk.js";
import type { DirectResult } from "./index.js";
import { FRAME_PAD, GAP } from "./measure.js";

/** Between one level's row and the next. */
const LEVEL_GAP = 12;
/** How far the line between levels runs out of a block before it turns. */
const STEP = 14;
/** How far below the skip's line the line up from the level below enters a decoder's merge. */
const UP_ENTRY = 7;
/** How much further in each level sits than the one above it. */
const INDENT = 22;

interface Segment {
  level: number;
  ids: string[];
}

/**
 * Blocks that sit on a skip (U-Net's crop): read by one block far back, read only by the
 * merge right after them, beside the block before them that also feeds that merge. Drawn
 * on the skip's line between the encoder and the decoder, as the paper draws "copy and crop".
 */
function skipSides(path: string[], edges: DrawnEdge[]): Map<string, { from: string; to: string }> {
  const index = new Map(path.map((id, i) => [id, i]));
  const sides = new Map<string, { from: string; to: string }>();
  // Edges by end, so that a 25,000-block chain is looked through in linear time.
  const insOf = new Map<string, DrawnEdge[]>();
  const outsOf = new Map<string, DrawnEdge[]>();
  const linked = new Set<string>();
  for (const e of edges) {
    for (const [map, key] of [[insOf, e.to], [outsOf, e.from]] as const) {
      const list = map.get(key);
      if (list) list.push(e);
      else map.set(key, [e]);
    }
    linked.add(`${e.from}\u0000${e.to}`);
  }
  path.forEach((id, i) => {
    const ins = insOf.get(id) ?? [];
    const outs = outsOf.get(id) ?? [];
    if (ins.length !== 1 || outs.length !== 1 || i < 2 || i + 1 >= path.length) return;
    const from = index.get(ins[0]!.from);
    const to = outs[0]!.to;
    const beside = linked.has(`${path[i - 1]}\u0000${to}`);
    if (from !== undefined && from < i - 1 && to === path[i + 1] && beside) sides.set(id, { from: ins[0]!.from, to });
  });
  return sides;
}

/** The path and its skips, or undefined when the graph is not a U. */
function uStructure(nodes: ElkInputNode[], edges: DrawnEdge[], sides: Map<string, { from: string; to: string }>): { path: string[]; skips: [number, number][] } | undefined {
  const path = nodes.map((n) => n.id).filter((id) => !sides.has(id));
  const index = new Map(path.map((id, i) => [id, i]));
  const chained = new Set<string>();
  const skips: [number, number][] = [];
  for (const e of edges) {
    // A skip through a side block counts once, from the encoder to the merge.
    if (sides.has(e.from)) continue;
    const a = index.get(e.from);
    const b = index.get(sides.get(e.to)?.to ?? e.to);
    if (a === undefined || b === undefined || b <= a) return undefined;
    if (b === a + 1) chained.add(e.from);
    else skips.push([a, b]);
  }
  if (chained.size !== path.length - 1 || skips.length < 2) return undefined;
  skips.sort((x, y) => x[0] - y[0]);
  // Nested like brackets: sources rise while targets fall, and no node is in two skips.
  for (let i = 1; i < skips.length; i++) {
    const [a0, b0] = skips[i - 1]!;
    const [a1, b1] = skips[i]!;
    if (!(a0 < a1 && b1 < b0 && a1 < b1)) return undefined;
  }
  const deepest = skips[skips.length - 1]!;
  if (deepest[1] - deepest[0] < 2) return undefined;
  return { path, skips };
}

/** Lays an encoder–decoder out as a U (flowing right), or says it is not one. */
export function uLayout(nodes: ElkInputNode[], edges: DrawnEdge[], frames: ElkFrameInput[]): DirectResult | undefined {
  const sides = skipSides(nodes.map((n) => n.id), edges);
  const found = uStructure(nodes, edges, sides);
  if (!found) return undefined;
  const { path, skips } = found;
  const k = skips.length;
  const slice = (from: number, to: number): string[] => path.slice(from, to);
  // Rows: level ℓ holds the encoder's part E_ℓ on the left and the decoder's D_ℓ on the right; the bottom holds B.
  const encoder: Segment[] = [];
  const decoder: Segment[] = [];
  encoder.push({ level: 0, ids: slice(0, skips[0]![0] + 1) });
  for (let l = 1; l < k; l++) encoder.push({ level: l, ids: slice(skips[l - 1]![0] + 1, skips[l]![0] + 1) });
  const bottom: Segment = { level: k, ids: slice(skips[k - 1]![0] + 1, skips[k - 1]![1]) };
  for (let l = k - 1; l >= 0; l--) decoder.push({ level: l, ids: slice(skips[l]![1], l === 0 ? path.length : skips[l - 1]![1]) });
  if ([...encoder, bottom, ...decoder].some((s) => s.ids.length === 0)) return undefined;

  const byId = new Map(nodes.map((n) => [n.id, n]));
  const frameById = new Map(frames.map((f) => [f.id, f]));
  const chainOf = (id: string): ElkFrameInput[] => {
    const out: ElkFrameInput[] = [];
    for (let f = byId.get(id)!.frame; f !== undefined; f = frameById.get(f)?.parent) out.unshift(frameById.get(f)!);
    return out;
  };
  const size = (id: string) => {
    const { bounds, ports } = byId.get(id)!.geometry;
    return { width: bounds.right - bounds.left, height: bounds.bottom - bounds.top, axis: ports.in[1] - bounds.top };
  };
  // Room frames need around a block: their padding, and above it their labels.
  const framesAbove = (id: string) => chainOf(id).reduce((h, f) => h + FRAME_PAD + f.labelHeight, 0);
  const framesBelow = (id: string) => chainOf(id).length * FRAME_PAD;
  const gapBetween = (a: string, b: string): number => {
    const fa = chainOf(a);
    const fb = new Set(chainOf(b));
    const shared = fa.filter((f) => fb.has(f)).length;
    const crossing = fa.length - shared + (fb.size - shared);
    return Math.max(GAP, crossing * FRAME_PAD + 10);
  };

  const x = new Map<string, number>();
  const right = (id: string): number => x.get(id)! + size(id).width;
  const placeSegment = (segment: Segment, start: number): void => {
    let at = start;
    segment.ids.forEach((id, i) => {
      const abut = i > 0 ? byId.get(id)!.abut : undefined;
      // Slabs of a compact run face to face; other blocks a gap apart.
      if (abut !== undefined) at = x.get(segment.ids[i - 1]!)! + abut;
      else if (i > 0) at += gapBetween(segment.ids[i - 1]!, id);
      x.set(id, at);
      at = Math.max(at + size(id).width, i > 0 ? right(segment.ids[i - 1]!) : -Infinity);
    });
  };
  const last = (s: Segment): string => s.ids[s.ids.length - 1]!;
  const opens = (id: string): number => chainOf(id).length * FRAME_PAD;
  // Each level indented a little more than the one above, the encoder from the left and
  // the decoder from the right, the bottleneck in the middle: a U as wide as its widest level.
  const lengthOf = (segment: Segment): number => {
    placeSegment(segment, 0);
    return right(last(segment)) - x.get(segment.ids[0]!)! + opens(segment.ids[0]!) + opens(last(segment));
  };
  const widths = new Map<Segment, number>([...encoder, bottom, ...decoder].map((seg) => [seg, lengthOf(seg)]));
  let width = (widths.get(bottom)! + 2 * k * INDENT);
  // A level with a side block on its skip leaves room for it between encoder and decoder.
  const sideAt = new Map([...sides].map(([id, side]) => [decoder.find((d) => d.ids[0] === side.to)?.level, id]));
  const sideRoom = (level: number): number => (sideAt.has(level) ? size(sideAt.get(level)!).width + GAP * 2 : 0);
  for (let l = 0; l < k; l++) width = Math.max(width, widths.get(encoder[l]!)! + widths.get(decoder[k - 1 - l]!)! + GAP * 2 + sideRoom(l) + 2 * l * INDENT);
  for (const segment of encoder) placeSegment(segment, segment.level * INDENT + opens(segment.ids[0]!));
  placeSegment(bottom, (width - widths.get(bottom)!) / 2 + opens(bottom.ids[0]!));
  for (const segment of decoder) placeSegment(segment, width - segment.level * INDENT - widths.get(segment)! + opens(segment.ids[0]!));

  // Levels top to bottom: each row as tall as its blocks and frames need.
  const rows = Array.from({ length: k + 1 }, () => ({ lo: 0, hi: 0, axis: 0 }));
  const sideSegments: Segment[] = [...sides].map(([id, side]) => ({ level: decoder.find((d) => d.ids[0] === side.to)!.level, ids: [id] }));
  for (const segment of [...encoder, bottom, ...decoder, ...sideSegments]) {
    const row = rows[segment.level]!;
    for (const id of segment.ids) {
      const s = size(id);
      row.lo = Math.min(row.lo, -s.axis - framesAbove(id));
      row.hi = Math.max(row.hi, s.height - s.axis + framesBelow(id));
    }
  }
  let y = 0;
  rows.forEach((row, l) => {
    row.axis = l === 0 ? -row.lo : y + LEVEL_GAP - row.lo;
    y = row.axis + row.hi;
  });
  const levelOf = new Map<string, number>();
  for (const segment of [...encoder, bottom, ...decoder]) for (const id of segment.ids) levelOf.set(id, segment.level);
  for (const [id, side] of sides) {
    levelOf.set(id, levelOf.get(side.to)!);
    // Halfway along the skip's line.
    x.set(id, (right(side.from) + x.get(side.to)!) / 2 - size(id).width / 2);
  }

  const result: DirectResult = { nodes: new Map(), frames: new Map(), edges: new Map(), width: 0, height: y, rows: k + 1, parts: [] };
  for (const id of [...path, ...sides.keys()]) {
    const s = size(id);
    const top = rows[levelOf.get(id)!]!.axis - s.axis;
    result.nodes.set(id, { x: x.get(id)!, y: top, width: s.width, height: s.height });
  }
  const portOut = (id: string): Point => {
    const r = result.nodes.get(id)!;
    return [r.x + r.width, rows[levelOf.get(id)!]!.axis];
  };
  const portIn = (id: string): Point => {
    const r = result.nodes.get(id)!;
    return [r.x, rows[levelOf.get(id)!]!.axis];
  };
  for (const e of edges) {
    if (byId.get(e.to)!.abut !== undefined && levelOf.get(e.from) === levelOf.get(e.to)) continue;
    const [ax, ay] = portOut(e.from);
    const [bx, by] = portIn(e.to);
    if (ay === by) {
      result.edges.set(e.id, [[ax, ay], [bx, by]]);
      continue;
    }
    // Between levels: out past the block, along the gap between the two levels, and in from before the next.
    const upper = Math.min(levelOf.get(e.from)!, levelOf.get(e.to)!);
    const gap = rows[upper]!.axis + rows[upper]!.hi + LEVEL_GAP / 2;
    // Coming up into a decoder's merge, the line arrives a little below the skip's, so the two inputs stay two arrows.
    const into = levelOf.get(e.from)! > levelOf.get(e.to)! ? by + UP_ENTRY : by;
    result.edges.set(e.id, [[ax, ay], [ax + STEP / 2, ay], [ax + STEP / 2, gap], [bx - STEP / 2, gap], [bx - STEP / 2, into], [bx, into]]);
  }

  // Frames: one box per segment a frame has blocks in, the first with the frame's id.
  const seen = new Map<string, number>();
  const boxOf = (ids: string[], frame: ElkFrameInput): Rect => {
    let left = Infinity;
    let top = Infinity;
    let rightEdge = -Infinity;
    let bottomEdge = -Infinity;
    for (const id of ids) {
      const r = result.nodes.get(id)!;
      const inner = chainOf(id);
      const depth = inner.length - inner.indexOf(frame) - 1;
      const above = inner.slice(inner.indexOf(frame) + 1).reduce((h, f) => h + FRAME_PAD + f.labelHeight, 0);
      left = Math.min(left, r.x - FRAME_PAD * (depth + 1));
      rightEdge = Math.max(rightEdge, r.x + r.width + FRAME_PAD * (depth + 1));
      top = Math.min(top, r.y - above - FRAME_PAD - frame.labelHeight);
      bottomEdge = Math.max(bottomEdge, r.y + r.height + FRAME_PAD * (depth + 1));
    }
    return { x: left, y: top, width: Math.max(rightEdge - left, frame.labelWidth + 2 * FRAME_PAD), height: bottomEdge - top };
  };
  for (const segment of [...encoder, bottom, ...decoder]) {
    const inSegment = new Map<ElkFrameInput, string[]>();
    for (const id of segment.ids) for (const f of chainOf(id)) inSegment.set(f, [...(inSegment.get(f) ?? []), id]);
    for (const [frame, ids] of inSegment) {
      const n = (seen.get(frame.id) ?? 0) + 1;
      seen.set(frame.id, n);
      const id = n === 1 ? frame.id : `${frame.id}#${n}`;
      if (n > 1) result.parts.push({ id, of: frame.id });
      result.frames.set(id, boxOf(ids, frame));
    }
  }
  // Shift so nothing is negative, and size the page.
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const r of [...result.nodes.values(), ...result.frames.values()]) {
    minX = Math.min(minX, r.x);
    maxX = Math.max(maxX, r.x + r.width);
    minY = Math.min(minY, r.y);
    maxY = Math.max(maxY, r.y + r.height);
  }
  const shift = (r: Rect): Rect => ({ ...r, x: r.x - minX, y: r.y - minY });
  for (const [id, r] of result.nodes) result.nodes.set(id, shift(r));
  for (const [id, r] of result.frames) result.frames.set(id, shift(r));
  for (const [id, points] of result.edges) result.edges.set(id, points.map(([px, py]) => [px - minX, py - minY] as Point));
  result.width = maxX - minX;
  result.height = maxY - minY;
  return result;
}
