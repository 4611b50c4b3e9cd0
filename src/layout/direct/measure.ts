/**
 * Measuring, bottom up: each chain's, fan's and frame's extent in flow coordinates (u along
 * the flow, v across it, relative to the item's own start and axis), and where each part
 * sits inside its parent. Nothing is placed yet and no item is changed: the results are
 * kept in maps keyed by the items they measure, for placing (place.ts).
 */
import type { DrawnEdge } from "../drawn.js";
import type { ElkFrameInput } from "../elk.js";
import { lastNode, type Flow, type GroupItem, type Item, type ParallelItem, type SideItem, type Size } from "./structure.js";

// The same spacing ELK is given (elk.ts), so both layouts draw alike.
/** Between consecutive blocks along the flow. */
export const GAP = 26;
/** Between blocks side by side across the flow. */
const SPACE = 18;
/** Between a shortcut's line and the blocks it passes. */
const EDGE_SPACE = 10;
/** Where a side chain's line turns towards it, before its first block. */
export const LEAD = 7;
/** Room inside a fan before and after its branches, where the edges split and meet. */
export const FAN = 8;
/** Inside a frame, around its contents. */
export const FRAME_PAD = 9;

/** What measuring needs to know of the drawing. */
export interface MeasureContext {
  right: boolean;
  /** Each node's length along the flow and reach about its ports' axis, and its side port. */
  local: Map<string, { size: Size; side: Flow }>;
  frameById: Map<string, ElkFrameInput>;
  edgeId: Map<string, DrawnEdge>;
  /** A compact slab's start after its predecessor's, face to face. */
  abutOf: (id: string) => number | undefined;
  /** The node a row's stand-in stands for (itself for every other node). */
  realId: (id: string) => string;
  /** Whether a node is a crossing's junction between towers' lanes (cross.ts): the fans on both sides of it abut it. */
  junction: (id: string) => boolean;
  /** A fan of towers' lanes, by its join: each branch's reach across the flow, the same in every fan of those towers, so each lane is one straight row. */
  laneSpans: Map<string, Size[]>;
}

/** A chain: where each of its series items starts, and where its side chains hang. */
export interface ChainMeasure {
  size: Size;
  /** Offsets along the flow of the items that are not side chains, in order. */
  at: number[];
  /** Each side chain's start and axis, relative to the chain's start and axis, and the lane its line takes when it starts late. */
  sides: Map<SideItem, { start: number; axis: number; lane?: number }>;
}

/** A fan: each branch's axis and start relative to the fan's, and whether it enters the join from the side. */
export interface FanMeasure {
  branches: { axis: number; start: number; shortcut: boolean }[];
}

export class Measures {
  readonly chains = new Map<Item[], ChainMeasure>();
  readonly sizes = new Map<Item, Size>();
  readonly fans = new Map<ParallelItem, FanMeasure>();
}

/** A frame's padding: the label sits on its top edge, across the flow when it runs right, ahead of it when down. */
export function framePadding(f: ElkFrameInput, right: boolean) {
  const label = f.labelHeight;
  return right
    ? { before: FRAME_PAD, after: FRAME_PAD, lo: FRAME_PAD + label, hi: FRAME_PAD, minLen: f.labelWidth + 2 * FRAME_PAD, minBreadth: 0 }
    : { before: FRAME_PAD + label, after: FRAME_PAD, lo: FRAME_PAD, hi: FRAME_PAD, minLen: 0, minBreadth: f.labelWidth + 2 * FRAME_PAD };
}

export function measureChain(items: Item[], ctx: MeasureContext, m: Measures): ChainMeasure {
  const at: number[] = [];
  let u = 0;
  let lo = 0;
  let hi = 0;
  let lastEnd = 0;
  const spans: { from: number; to: number; hi: number }[] = [];
  let previous: Item | undefined;
  for (const item of items) {
    if (item.kind === "side") continue;
    const s = measureItem(item, ctx, m);
    // A slab of a compact run starts where the one before it ends, face to face.
    const abut = item.kind === "node" && previous?.kind === "node" ? ctx.abutOf(item.id) : undefined;
    const atJunction = [item, previous].some((x) => x?.kind === "node" && ctx.junction(ctx.realId(x.id)));
    if (abut !== undefined) u = at[at.length - 1]! + abut;
    else if (at.length > 0) u = lastEnd + (atJunction ? 0 : GAP);
    at.push(u);
    spans.push({ from: u, to: u + s.len, hi: s.hi });
    lastEnd = Math.max(lastEnd, u + s.len);
    previous = item;
    lo = Math.min(lo, s.lo);
    hi = Math.max(hi, s.hi);
  }
  // Side chains start after the item they leave from and hang below whatever they pass.
  // One that would start beside a side chain already hanging there starts after it, and its
  // line runs out to it along a lane just below the path, clear of the one before.
  const sides = new Map<SideItem, { start: number; axis: number; lane?: number }>();
  const mainSpans = spans.slice();
  let sidesEnd = -Infinity;
  let end = lastEnd;
  let k = 0;
  for (const item of items) {
    if (item.kind !== "side") {
      k++;
      continue;
    }
    const s = measureChain(item.items, ctx, m).size;
    const leave = spans[k - 1]!.to;
    let start = leave + GAP;
    let lane: number | undefined;
    if (start < sidesEnd + GAP) {
      start = sidesEnd + GAP + LEAD;
      lane = mainSpans.filter((p) => p.from < start && p.to > leave).reduce((mx, p) => Math.max(mx, p.hi), 0) + SPACE / 2;
    }
    const below = spans.filter((p) => p.from < start + s.len + GAP && p.to > start - GAP).reduce((mx, p) => Math.max(mx, p.hi), 0);
    const axis = below + SPACE - s.lo;
    sides.set(item, lane === undefined ? { start, axis } : { start, axis, lane });
    spans.push({ from: start, to: start + s.len, hi: axis + s.hi });
    sidesEnd = Math.max(sidesEnd, start + s.len);
    hi = Math.max(hi, axis + s.hi);
    end = Math.max(end, start + s.len);
  }
  const measured = { size: { len: end, lo, hi }, at, sides };
  m.chains.set(items, measured);
  return measured;
}

function measureItem(item: Exclude<Item, SideItem>, ctx: MeasureContext, m: Measures): Size {
  let size: Size;
  if (item.kind === "node") size = ctx.local.get(item.id)!.size;
  else if (item.kind === "group") size = measureGroup(item, ctx, m);
  else size = measureFan(item, ctx, m);
  m.sizes.set(item, size);
  return size;
}

function measureGroup(item: GroupItem, ctx: MeasureContext, m: Measures): Size {
  const inner = measureChain(item.items, ctx, m).size;
  const pad = framePadding(ctx.frameById.get(item.frame)!, ctx.right);
  const len = Math.max(inner.len + pad.before + pad.after, pad.minLen);
  const hi = Math.max(inner.hi + pad.hi, inner.lo - pad.lo + pad.minBreadth);
  return { len, lo: inner.lo - pad.lo, hi };
}

function measureFan(item: ParallelItem, ctx: MeasureContext, m: Measures): Size {
  const shortcut = item.branches.map((b) => ctx.edgeId.get(`${ctx.realId(lastNode(b.items) ?? item.fork)}\u0000${item.join}`)?.shortcut ?? false);
  const measured = item.branches.map((b) => (b.items.length === 0 ? { len: 0, lo: 0, hi: 0 } : measureChain(b.items, ctx, m).size));
  const span = measured.reduce((mx, s) => Math.max(mx, s.len), 0);
  const across = ctx.laneSpans.get(item.join) ?? measured;
  const len = span + 2 * FAN;
  const branches = item.branches.map((_, i) => ({ axis: 0, start: 0, shortcut: shortcut[i]! }));
  // Branches that carry blocks into the join's input run side by side, centred on the path.
  const main = item.branches.flatMap((b, i) => (!shortcut[i] && b.items.length > 0 ? [i] : []));
  let axis = 0;
  main.forEach((i, k) => {
    if (k > 0) axis += across[main[k - 1]!]!.hi + SPACE - across[i]!.lo;
    branches[i]!.axis = axis;
  });
  const shift = main.length > 0 ? (branches[main[0]!]!.axis + axis) / 2 : 0;
  let lo = 0;
  let hi = 0;
  for (const i of main) {
    const b = branches[i]!;
    b.axis -= shift;
    b.start = FAN;
    lo = Math.min(lo, b.axis + across[i]!.lo);
    hi = Math.max(hi, b.axis + across[i]!.hi);
  }
  // Shortcuts and empty branches run above them, nearest first, centred along the span.
  for (let i = 0; i < item.branches.length; i++) {
    if (main.includes(i)) continue;
    const b = branches[i]!;
    const s = measured[i]!;
    b.axis = lo - (item.branches[i]!.items.length === 0 ? EDGE_SPACE : SPACE) - s.hi;
    b.start = FAN + (span - s.len) / 2;
    lo = b.axis + s.lo;
  }
  m.fans.set(item, { branches });
  return { len, lo, hi };
}
