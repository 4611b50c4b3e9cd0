/**
 * A direct layout for the graphs people usually draw: chains, residual blocks, Inception
 * fans, towers without cross connections and side outputs (GoogLeNet's auxiliary
 * classifiers) — everything that decomposes into series and parallel parts. It runs in
 * time linear in the graph and never needs ELK (whose compound-node layout of a 500-block
 * ResNet-152 takes seconds), and it makes the figure's promises by construction: the main
 * path is one straight line, a fan is symmetric about it, shortcuts arc over the blocks
 * they skip into the ⊕, side outputs hang below the path where they branch off, and
 * frames are the bounding boxes of contiguous runs with room for their labels.
 *
 * A long chain can be broken into rows (columns when it flows down; see wrap.ts): each
 * row is laid out as a chain of its own, the rows stack across the flow, and the
 * hand-over from one row's end to the next row's start is one routed return line.
 *
 * Graphs that do not decompose (AlexNet's cross-tower connections, several inputs, frames
 * that cut across a fan) get `undefined`, and the caller falls back to ELK.
 */
import type { Direction } from "../../options/figure.js";
import type { Point, Rect } from "../../geometry/types.js";
import type { DrawnEdge } from "../drawn.js";
import type { ElkFrameInput, ElkInputNode, ElkResult } from "../elk.js";
import {
  decompose,
  fail,
  groupFrames,
  lastNode,
  nodesOf,
  NotSeriesParallel,
  type Flow,
  type Item,
  type ParallelItem,
  type SideItem,
  type Size,
} from "./structure.js";
import { atomsOf, breakRows, rowChain } from "./wrap.js";

// The same spacing ELK is given (elk.ts), so both layouts draw alike.
/** Between consecutive blocks along the flow. */
export const GAP = 26;
/** Between blocks side by side across the flow. */
const SPACE = 18;
/** Between a shortcut's line and the blocks it passes. */
const EDGE_SPACE = 10;
/** Where a side chain leaves the path, before its first block. */
const LEAD = 7;
/** Room inside a fan before and after its branches, where the edges split and meet. */
const FAN = 8;
const FRAME_PAD = 9;
/** The unseen node that several inputs leave from. */
const ROOT = "\u0000inputs";
/** Between one row and the next; the return line runs along its middle. */
const ROW_GAP = 22;
/** How far the return line runs past a row's end and before the next row's start. */
const RETURN = 10;

export interface DirectOptions {
  direction: Direction;
  /** Break the chain into this many rows (columns when flowing down); 1 by default. */
  rows?: number;
}

/** The positions, and for a wrapped figure how many rows it came to and the frames it cut. */
export interface DirectResult extends ElkResult {
  rows: number;
  /** Frames cut by a row break: each later part's id and the frame it continues. */
  parts: { id: string; of: string }[];
}

/** The chain with the fan it opens with (if any, inside frames too) leaving from `fork` instead. */
function forkAt(items: Item[], fork: string): Item[] {
  const [first, ...rest] = items;
  if (first?.kind === "parallel") return [{ ...first, fork }, ...rest];
  if (first?.kind === "group") return [{ ...first, items: forkAt(first.items, fork) }, ...rest];
  return items;
}

/**
 * Lays out the drawn graph directly when it is series-parallel; `undefined` otherwise.
 * Rectangles and polylines come back absolute, as from `runElk`.
 */
export function directLayout(
  nodes: ElkInputNode[],
  edges: DrawnEdge[],
  frames: ElkFrameInput[],
  { direction, rows: rowsAsked = 1 }: DirectOptions,
): DirectResult | undefined {
  if (nodes.length === 0) return undefined;
  const right = direction === "right";
  let chain: Item[];
  const frameById = new Map(frames.map((f) => [f.id, f]));
  const framePath = new Map<string, string[]>();
  const pathOfFrame = (id: string | undefined): string[] => {
    if (id === undefined) return [];
    let path = framePath.get(id);
    if (!path) {
      path = [...pathOfFrame(frameById.get(id)!.parent), id];
      framePath.set(id, path);
    }
    return path;
  };
  const nodeById = new Map(nodes.map((n) => [n.id, n]));
  // Several inputs (a conditional GAN's noise and label) fan out of one unseen root, so
  // the graph is still one chain; the root and its edges are never drawn.
  const targets = new Set(edges.map((e) => e.to));
  const sources = nodes.filter((n) => !targets.has(n.id));
  const rootEdges: DrawnEdge[] =
    sources.length > 1 ? sources.map((n) => ({ id: `${ROOT}${n.id}`, from: ROOT, to: n.id, shortcut: false })) : [];
  const rooted = rootEdges.length > 0 ? [{ id: ROOT, geometry: nodes[0]!.geometry }, ...nodes] : nodes;
  try {
    chain = groupFrames(decompose(rooted, [...rootEdges, ...edges]), (id) => pathOfFrame(nodeById.get(id)?.frame));
  } catch (error) {
    if (error instanceof NotSeriesParallel) return undefined;
    throw error;
  }
  const edgeId = new Map([...rootEdges, ...edges].map((e) => [`${e.from}\u0000${e.to}`, e]));
  const abutOf = (id: string): number | undefined => nodeById.get(id)?.abut;

  // Each node in flow coordinates: its length, its reach about the axis its ports sit on.
  const local = new Map<string, { size: Size; side: Flow }>();
  for (const n of nodes) {
    const { bounds, ports } = n.geometry;
    const flow = (p: Point): Flow => (right ? [p[0] - bounds.left, p[1] - ports.in[1]] : [p[1] - bounds.top, p[0] - ports.in[0]]);
    const [, lo] = flow([bounds.left, bounds.top]);
    const [len, hi] = flow([bounds.right, bounds.bottom]);
    local.set(n.id, { size: { len, lo, hi }, side: flow(ports.side) });
  }
  if (rootEdges.length > 0) local.set(ROOT, { size: { len: 0, lo: 0, hi: 0 }, side: [0, 0] });
  const framePadding = (f: ElkFrameInput) => {
    const label = f.labelHeight;
    // The label sits on the frame's top edge: across the flow when it runs right, ahead of it when down.
    return right
      ? { before: FRAME_PAD, after: FRAME_PAD, lo: FRAME_PAD + label, hi: FRAME_PAD, minLen: f.labelWidth + 2 * FRAME_PAD, minBreadth: 0 }
      : { before: FRAME_PAD + label, after: FRAME_PAD, lo: FRAME_PAD, hi: FRAME_PAD, minLen: 0, minBreadth: f.labelWidth + 2 * FRAME_PAD };
  };

  // Measuring, bottom up. Offsets along the flow within a chain are kept for placing.
  const sizes = new Map<Item | Item[], Size>();
  const offsets = new Map<Item[], number[]>();
  const measureChain = (items: Item[]): Size => {
    const at: number[] = [];
    let u = 0;
    let lo = 0;
    let hi = 0;
    let lastEnd = 0;
    const spans: { from: number; to: number; hi: number }[] = [];
    let previous: Item | undefined;
    for (const item of items) {
      if (item.kind === "side") continue;
      const s = measure(item);
      // A slab of a compact run starts where the one before it ends, face to face.
      const abut = item.kind === "node" && previous?.kind === "node" ? abutOf(item.id) : undefined;
      if (abut !== undefined) u = at[at.length - 1]! + abut;
      else if (at.length > 0) u = lastEnd + GAP;
      at.push(u);
      spans.push({ from: u, to: u + s.len, hi: s.hi });
      lastEnd = Math.max(lastEnd, u + s.len);
      previous = item;
      lo = Math.min(lo, s.lo);
      hi = Math.max(hi, s.hi);
    }
    // Side chains start after the item they leave from and hang below whatever they pass.
    let end = lastEnd;
    let k = 0;
    for (const item of items) {
      if (item.kind !== "side") {
        k++;
        continue;
      }
      const s = measureChain(item.items);
      const start = spans[k - 1]!.to + GAP;
      const below = spans.filter((p) => p.from < start + s.len + GAP && p.to > start - GAP).reduce((m, p) => Math.max(m, p.hi), 0);
      item.start = start;
      item.axis = below + SPACE - s.lo;
      spans.push({ from: start, to: start + s.len, hi: item.axis + s.hi });
      hi = Math.max(hi, item.axis + s.hi);
      end = Math.max(end, start + s.len);
    }
    offsets.set(items, at);
    const size = { len: end, lo, hi };
    sizes.set(items, size);
    return size;
  };
  const measure = (item: Exclude<Item, SideItem>): Size => {
    let size: Size;
    if (item.kind === "node") size = local.get(item.id)!.size;
    else if (item.kind === "group") {
      const inner = measureChain(item.items);
      const pad = framePadding(frameById.get(item.frame)!);
      const len = Math.max(inner.len + pad.before + pad.after, pad.minLen);
      const hi = Math.max(inner.hi + pad.hi, inner.lo - pad.lo + pad.minBreadth);
      size = { len, lo: inner.lo - pad.lo, hi };
    } else size = measureParallel(item);
    sizes.set(item, size);
    return size;
  };
  const measureParallel = (item: ParallelItem): Size => {
    const measured = item.branches.map((b) => {
      const last = lastNode(b.items) ?? item.fork;
      b.shortcut = edgeId.get(`${last}\u0000${item.join}`)?.shortcut ?? false;
      return b.items.length === 0 ? { len: 0, lo: 0, hi: 0 } : measureChain(b.items);
    });
    const span = measured.reduce((m, s) => Math.max(m, s.len), 0);
    const len = span + 2 * FAN;
    // Branches that carry blocks into the join's input run side by side, centred on the path.
    const main = item.branches.flatMap((b, i) => (!b.shortcut && b.items.length > 0 ? [i] : []));
    let axis = 0;
    main.forEach((i, k) => {
      if (k > 0) axis += measured[main[k - 1]!]!.hi + SPACE - measured[i]!.lo;
      item.branches[i]!.axis = axis;
    });
    const shift = main.length > 0 ? (item.branches[main[0]!]!.axis + axis) / 2 : 0;
    let lo = 0;
    let hi = 0;
    for (const i of main) {
      const b = item.branches[i]!;
      b.axis -= shift;
      b.start = FAN;
      lo = Math.min(lo, b.axis + measured[i]!.lo);
      hi = Math.max(hi, b.axis + measured[i]!.hi);
    }
    // Shortcuts and empty branches run above them, nearest first, centred along the span.
    for (let i = 0; i < item.branches.length; i++) {
      if (main.includes(i)) continue;
      const b = item.branches[i]!;
      const s = measured[i]!;
      b.axis = lo - (b.items.length === 0 ? EDGE_SPACE : SPACE) - s.hi;
      b.start = FAN + (span - s.len) / 2;
      lo = b.axis + s.lo;
    }
    return { len, lo, hi };
  };
  // Rows: the chain broken at its best break points, each row a chain of its own. A row
  // after the first opens with a stand-in for the previous row's last node, so that the
  // edges leaving it (a fan's, a shortcut's) start where the return line arrives.
  const parts: { id: string; of: string }[] = [];
  const standIn = new Map<string, string>();
  let rowChains: Item[][] = [chain];
  if (rowsAsked > 1) {
    const atoms = atomsOf(chain, rowsAsked, { gap: GAP, measure: (items) => measureChain(items) });
    const starts = breakRows(atoms, rowsAsked, GAP, (item) => item.kind === "node" && nodeById.get(item.id)?.joined === true);
    const seen = new Map<string, number>();
    const partId = (frame: string): string => {
      const n = (seen.get(frame) ?? 0) + 1;
      seen.set(frame, n);
      if (n === 1) return frame;
      const id = `${frame}#${n}`;
      frameById.set(id, { ...frameById.get(frame)!, id });
      parts.push({ id, of: frame });
      return id;
    };
    rowChains = starts.map((start, r) => {
      const row = rowChain(atoms.slice(start, starts[r + 1] ?? atoms.length), partId);
      if (r === 0) return row;
      const id = `\u0000row${r}`;
      local.set(id, { size: { len: 0, lo: 0, hi: 0 }, side: [0, 0] });
      return [{ kind: "node", id }, ...forkAt(row, id)];
    });
    // Each stand-in takes the place of the last node of the row before it.
    rowChains.forEach((_, r) => {
      if (r > 0) standIn.set(`\u0000row${r}`, lastNode(rowChains[r - 1]!) ?? fail("empty row"));
    });
  }
  const wrapped = rowChains.length > 1;
  const lead = wrapped ? RETURN : 0;
  const rowAxes: number[] = [];
  const rowSizes: Size[] = rowChains.map((row) => measureChain(row));
  let bottom = 0;
  rowSizes.forEach((size, r) => {
    const axis = r === 0 ? 0 : bottom + ROW_GAP - size.lo;
    rowAxes.push(axis);
    bottom = axis + size.hi;
  });
  const total: Size = {
    len: Math.max(...rowSizes.map((s) => s.len)) + (wrapped ? lead + RETURN : 0),
    lo: rowSizes[0]!.lo,
    hi: bottom,
  };

  // Placing, top down, in flow coordinates.
  const boxes = new Map<string, { u: number; axis: number }>();
  const frameBoxes = new Map<string, { u: number; v: number; len: number; breadth: number }>();
  const placeChain = (items: Item[], u0: number, axis: number): void => {
    const at = offsets.get(items)!;
    let k = 0;
    for (const item of items) {
      if (item.kind === "side") {
        item.start += u0;
        item.axis += axis;
        placeChain(item.items, item.start, item.axis);
        continue;
      }
      place(item, u0 + at[k++]!, axis);
    }
  };
  const place = (item: Exclude<Item, SideItem>, u: number, axis: number): void => {
    const size = sizes.get(item)!;
    if (item.kind === "node") boxes.set(item.id, { u, axis });
    else if (item.kind === "group") {
      const pad = framePadding(frameById.get(item.frame)!);
      const inner = sizes.get(item.items)!;
      // A label wider than the contents widens the frame on both sides.
      const before = pad.before + (size.len - (inner.len + pad.before + pad.after)) / 2;
      frameBoxes.set(item.frame, { u, v: axis + size.lo, len: size.len, breadth: size.hi - size.lo });
      placeChain(item.items, u + before, axis);
    } else {
      item.start = u;
      item.end = u + size.len;
      item.axis = axis;
      for (const b of item.branches) {
        b.axis += axis;
        b.start += u;
        if (b.items.length > 0) placeChain(b.items, b.start, b.axis);
      }
    }
  };
  rowChains.forEach((row, r) => placeChain(row, lead, rowAxes[r]!));

  // Edges, in flow coordinates, from the out port to the in (or side) port.
  const routes = new Map<string, Flow[]>();
  const outPort = (id: string): Flow => {
    const b = boxes.get(id)!;
    return [b.u + local.get(id)!.size.len, b.axis];
  };
  const inPort = (id: string): Flow => {
    const b = boxes.get(id)!;
    return [b.u, b.axis];
  };
  const sidePort = (id: string): Flow => {
    const b = boxes.get(id)!;
    const side = local.get(id)!.side;
    return [b.u + side[0], b.axis + side[1]];
  };
  const firstNode = (items: Item[]): string => nodesOf(items.slice(0, 1))[0] ?? fail("empty chain");
  /** The node a chain is entered at, or undefined when it opens with a fan (whose edges leave the fork). */
  const entryNode = (item: Item): string | undefined => {
    if (item.kind === "node") return item.id;
    if (item.kind === "group") return entryNode(item.items[0]!);
    return undefined;
  };
  /** The return line from the end of the row before into a stand-in's place at a row's start. */
  const handOver = (id: string): Flow[] => {
    const r = Number(id.slice("\u0000row".length));
    const [ue, ve] = outPort(standIn.get(id)!);
    // Past everything in the row before, frames included, before turning back.
    const turn = Math.max(ue, lead + rowSizes[r - 1]!.len) + RETURN;
    const middle = rowAxes[r - 1]! + rowSizes[r - 1]!.hi + ROW_GAP / 2;
    const [us, vs] = inPort(id);
    return [[ue, ve], [turn, ve], [turn, middle], [us - lead, middle], [us - lead, vs]];
  };
  const route = (from: string, to: string, points: Flow[]): void => {
    const source = standIn.get(from);
    if (source === undefined) routes.set(edgeId.get(`${from}\u0000${to}`)!.id, points);
    else routes.set(edgeId.get(`${source}\u0000${to}`)!.id, [...handOver(from), ...points]);
  };
  const routeChain = (items: Item[]): void => {
    let previous: string | undefined;
    for (const item of items) {
      if (item.kind === "side") {
        const first = firstNode(item.items);
        const [u0, v0] = outPort(item.fork);
        const [u1, v1] = inPort(first);
        const bus = item.start - LEAD;
        route(item.fork, first, [[u0, v0], [bus, v0], [bus, v1], [u1, v1]]);
        routeChain(item.items);
        continue;
      }
      if (item.kind === "parallel") routeParallel(item);
      else {
        const entry = entryNode(item);
        // After a fan, its join is entered by the branches' own edges.
        // Slabs face to face need no arrow between them.
        if (previous !== undefined && entry !== undefined && entry !== previous && abutOf(entry) === undefined) {
          route(previous, entry, [outPort(previous), inPort(entry)]);
        }
        if (item.kind === "group") routeChain(item.items);
      }
      previous = lastNode([item]);
    }
  };
  const routeParallel = (item: ParallelItem): void => {
    const [fu, fv] = outPort(item.fork);
    const split = item.start;
    const meet = item.end;
    for (const b of item.branches) {
      const into: Flow[] = [];
      if (b.items.length > 0) {
        const first = firstNode(b.items);
        const [u1, v1] = inPort(first);
        route(item.fork, first, b.axis === fv ? [[fu, fv], [u1, v1]] : [[fu, fv], [split, fv], [split, b.axis], [u1, v1]]);
        routeChain(b.items);
        const last = lastNode(b.items)!;
        into.push(outPort(last));
      } else {
        into.push([fu, fv], [split, fv], [split, b.axis]);
      }
      const from = lastNode(b.items) ?? item.fork;
      if (b.shortcut) {
        const [su, sv] = sidePort(item.join);
        into.push([su, b.axis], [su, sv]);
      } else {
        const [ju, jv] = inPort(item.join);
        if (b.axis !== jv) into.push([meet, b.axis], [meet, jv]);
        into.push([ju, jv]);
      }
      route(from, item.join, into);
    }
  };
  for (const row of rowChains) routeChain(row);

  // To the page: u and v become x and y (or y and x), shifted so nothing is negative.
  const top = -total.lo;
  const page = ([u, v]: Flow): Point => (right ? [u, v + top] : [v + top, u]);
  const rect = (u: number, v: number, len: number, breadth: number): Rect =>
    right ? { x: u, y: v + top, width: len, height: breadth } : { x: v + top, y: u, width: breadth, height: len };
  const result: DirectResult = {
    rows: rowChains.length,
    parts,
    nodes: new Map(),
    frames: new Map(),
    edges: new Map(),
    width: right ? total.len : total.hi - total.lo,
    height: right ? total.hi - total.lo : total.len,
  };
  for (const n of nodes) {
    const { u, axis } = boxes.get(n.id)!;
    const { size } = local.get(n.id)!;
    result.nodes.set(n.id, rect(u, axis + size.lo, size.len, size.hi - size.lo));
  }
  for (const [id, b] of frameBoxes) result.frames.set(id, rect(b.u, b.v, b.len, b.breadth));
  for (const e of edges) result.edges.set(e.id, (routes.get(e.id) ?? []).map(page));
  return result;
}
