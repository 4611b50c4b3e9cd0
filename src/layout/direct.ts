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
 * Graphs that do not decompose (AlexNet's cross-tower connections, several inputs, frames
 * that cut across a fan) get `undefined`, and the caller falls back to ELK.
 */
import type { Direction } from "../options/figure.js";
import type { Point } from "../geometry/types.js";
import type { DrawnEdge } from "./drawn.js";
import type { ElkFrameInput, ElkInputNode, ElkResult } from "./elk.js";
import type { Rect } from "./types.js";

// The same spacing ELK is given (elk.ts), so both layouts draw alike.
/** Between consecutive blocks along the flow. */
const GAP = 26;
/** Between blocks side by side across the flow. */
const SPACE = 18;
/** Between a shortcut's line and the blocks it passes. */
const EDGE_SPACE = 10;
/** Where a side chain leaves the path, before its first block. */
const LEAD = 7;
/** Room inside a fan before and after its branches, where the edges split and meet. */
const FAN = 8;
const FRAME_PAD = 9;

type Item = NodeItem | ParallelItem | SideItem | GroupItem;

interface NodeItem {
  kind: "node";
  id: string;
}

interface Branch {
  items: Item[];
  /** Its edge enters the join from the side (a residual shortcut). */
  shortcut: boolean;
  /** Placed: the branch's axis, across the flow. */
  axis: number;
  /** Placed: where the branch starts along the flow. */
  start: number;
}

/** Branches from `fork` that meet again at `join` (a fan, a residual block). */
interface ParallelItem {
  kind: "parallel";
  fork: string;
  join: string;
  branches: Branch[];
  start: number;
  end: number;
  axis: number;
}

/** A chain that leaves the path at `fork` and ends in an output of its own. */
interface SideItem {
  kind: "side";
  fork: string;
  items: Item[];
  start: number;
  axis: number;
}

/** A drawn frame around a contiguous run of a chain. */
interface GroupItem {
  kind: "group";
  frame: string;
  items: Item[];
}

/** A measured piece: its length along the flow, its reach on both sides of its axis. */
interface Size {
  len: number;
  lo: number;
  hi: number;
}

/** Flow coordinates: u along the flow, v across it (negative v is where shortcuts run). */
type Flow = [number, number];

class NotSeriesParallel extends Error {}

function fail(why: string): never {
  throw new NotSeriesParallel(why);
}

/** Splits the graph into series and parallel parts, or says it cannot. */
function decompose(nodes: ElkInputNode[], edges: DrawnEdge[]): Item[] {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const succ = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  const indegree = new Map<string, number>(nodes.map((n) => [n.id, 0]));
  for (const e of edges) {
    if ((index.get(e.from) ?? Infinity) >= (index.get(e.to) ?? -Infinity)) fail("edges against declaration order");
    succ.get(e.from)!.push(e.to);
    indegree.set(e.to, indegree.get(e.to)! + 1);
  }
  const sources = nodes.filter((n) => indegree.get(n.id) === 0);
  if (sources.length !== 1) fail("not exactly one input");
  const sinks = nodes.filter((n) => succ.get(n.id)!.length === 0);

  const reaching = new Map<string, Set<string>>();
  const pred = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const e of edges) pred.get(e.to)!.push(e.from);
  /**
   * Everything from the `floor`-th node on with a path to `target`, the target included.
   * Only nodes after a walk's start matter to it, so the search stops there: each residual
   * block searches itself, not the whole network before it, and the layout stays linear.
   */
  const reaches = (target: string, floor: number): Set<string> => {
    const key = `${target}\u0000${floor}`;
    let set = reaching.get(key);
    if (set) return set;
    set = new Set([target]);
    const stack = [target];
    while (stack.length > 0) {
      for (const p of pred.get(stack.pop()!)!) if (!set.has(p) && index.get(p)! >= floor) (set.add(p), stack.push(p));
    }
    reaching.set(key, set);
    return set;
  };
  /** The output a side chain ends in: the last declared one it reaches. */
  const sinkOf = (start: string): string => {
    const found = sinks.filter((s) => reaches(s.id, index.get(start)!).has(start));
    return found[found.length - 1]!.id;
  };
  /**
   * Where the branches out of `fork` meet again: scanning in topological order, the first
   * node that every pending edge enters.
   */
  const joinOf = (fork: string, outs: string[], within: Set<string>): string => {
    const pending = new Map<string, number>();
    let open = 0;
    for (const s of outs) (pending.set(s, (pending.get(s) ?? 0) + 1), open++);
    for (let i = index.get(fork)! + 1; i < nodes.length; i++) {
      const u = nodes[i]!.id;
      const count = pending.get(u);
      if (count === undefined) continue;
      pending.delete(u);
      open -= count;
      if (open === 0) return u;
      for (const w of succ.get(u)!) if (within.has(w)) (pending.set(w, (pending.get(w) ?? 0) + 1), open++);
    }
    return fail("branches never meet");
  };

  const placed = new Set<string>();
  let used = 0;
  /** The chain from `start` up to `stop` (exclusive), or to the output `toward` when `stop` is undefined. */
  const walk = (start: string, stop: string | undefined, toward: string): Item[] => {
    const items: Item[] = [];
    const within = reaches(toward, index.get(start)!);
    let v = start;
    for (;;) {
      if (placed.has(v)) fail(`${v} reached twice`);
      placed.add(v);
      items.push({ kind: "node", id: v });
      const outs = succ.get(v)!;
      const onward = outs.filter((s) => within.has(s));
      for (const s of outs.filter((s) => !within.has(s))) {
        used++;
        items.push({ kind: "side", fork: v, items: walk(s, undefined, sinkOf(s)), start: 0, axis: 0 });
      }
      if (onward.length === 0) {
        if (stop !== undefined) fail(`${v} ends before ${stop}`);
        return items;
      }
      let next: string;
      if (onward.length === 1) {
        next = onward[0]!;
        used++;
      } else {
        next = joinOf(v, onward, within);
        const fork = v;
        const join = next;
        const branches = onward.map((s): Branch => {
          used++;
          if (s === join) return { items: [], shortcut: false, axis: 0, start: 0 };
          // The walk counts the branch's edge into the join as its last step.
          return { items: walk(s, join, join), shortcut: false, axis: 0, start: 0 };
        });
        items.push({ kind: "parallel", fork, join, branches, start: 0, end: 0, axis: 0 });
      }
      if (next === stop) return items;
      v = next;
    }
  };
  const chain = walk(sources[0]!.id, undefined, sinks[sinks.length - 1]!.id);
  if (placed.size !== nodes.length || used !== edges.length) fail("edges outside the series-parallel structure");
  return chain;
}

/** The last node of a branch: the one whose edge enters the join. */
function lastNode(items: Item[]): string | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.kind === "node") return item.id;
    if (item.kind === "parallel") return item.join;
    if (item.kind === "group") return lastNode(item.items);
  }
  return undefined;
}

function nodesOf(items: Item[], out: string[] = []): string[] {
  for (const item of items) {
    if (item.kind === "node") out.push(item.id);
    else if (item.kind === "parallel") for (const b of item.branches) nodesOf(b.items, out);
    else nodesOf(item.items, out);
  }
  return out;
}

function commonPrefix(paths: string[][]): string[] {
  if (paths.length === 0) return [];
  const first = paths[0]!;
  let n = first.length;
  for (const p of paths) {
    let i = 0;
    while (i < n && p[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n);
}

/**
 * Wraps contiguous runs of a chain that share a frame into groups, outermost first. A
 * frame must come out as exactly one group, or it cuts across the structure.
 */
function groupFrames(chain: Item[], pathOf: (id: string) => string[]): Item[] {
  const seen = new Set<string>();
  const pathOfItem = (item: Item, before: string | undefined): string[] => {
    if (item.kind === "node") return pathOf(item.id);
    const paths = nodesOf(item.kind === "parallel" ? item.branches.flatMap((b) => b.items) : item.items).map(pathOf);
    // A side chain sits beside the node it leaves from: no deeper than that node's frames.
    if (item.kind === "side" && before !== undefined) paths.push(pathOf(before));
    return commonPrefix(paths);
  };
  const group = (items: Item[], depth: number): Item[] => {
    const out: Item[] = [];
    let before: string | undefined;
    const paths = items.map((item) => {
      const path = pathOfItem(item, before);
      before = lastNode([item]) ?? before;
      return path;
    });
    for (let i = 0; i < items.length; ) {
      const frame = paths[i]![depth];
      if (frame === undefined) {
        const item = items[i]!;
        if (item.kind === "parallel") for (const b of item.branches) b.items = group(b.items, depth);
        else if (item.kind === "side") item.items = group(item.items, depth);
        out.push(item);
        i++;
        continue;
      }
      let j = i;
      while (j < items.length && paths[j]![depth] === frame) j++;
      if (seen.has(frame)) fail(`frame ${frame} is not contiguous`);
      seen.add(frame);
      out.push({ kind: "group", frame, items: group(items.slice(i, j), depth + 1) });
      i = j;
    }
    return out;
  };
  return group(chain, 0);
}

/**
 * Lays out the drawn graph directly when it is series-parallel; `undefined` otherwise.
 * Rectangles and polylines come back absolute, as from `runElk`.
 */
export function directLayout(
  nodes: ElkInputNode[],
  edges: DrawnEdge[],
  frames: ElkFrameInput[],
  direction: Direction,
): ElkResult | undefined {
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
  try {
    chain = groupFrames(decompose(nodes, edges), (id) => pathOfFrame(nodeById.get(id)!.frame));
  } catch (error) {
    if (error instanceof NotSeriesParallel) return undefined;
    throw error;
  }
  const edgeId = new Map(edges.map((e) => [`${e.from}\u0000${e.to}`, e]));

  // Each node in flow coordinates: its length, its reach about the axis its ports sit on.
  const local = new Map<string, { size: Size; side: Flow }>();
  for (const n of nodes) {
    const { bounds, ports } = n.geometry;
    const flow = (p: Point): Flow => (right ? [p[0] - bounds.left, p[1] - ports.in[1]] : [p[1] - bounds.top, p[0] - ports.in[0]]);
    const [, lo] = flow([bounds.left, bounds.top]);
    const [len, hi] = flow([bounds.right, bounds.bottom]);
    local.set(n.id, { size: { len, lo, hi }, side: flow(ports.side) });
  }
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
    for (const item of items) {
      if (item.kind === "side") continue;
      const s = measure(item);
      if (at.length > 0) u += GAP;
      at.push(u);
      spans.push({ from: u, to: u + s.len, hi: s.hi });
      u += s.len;
      lastEnd = u;
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
  const total = measureChain(chain);

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
  placeChain(chain, 0, 0);

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
  const route = (from: string, to: string, points: Flow[]): void => {
    routes.set(edgeId.get(`${from}\u0000${to}`)!.id, points);
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
        if (previous !== undefined && entry !== undefined && entry !== previous) route(previous, entry, [outPort(previous), inPort(entry)]);
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
  routeChain(chain);

  // To the page: u and v become x and y (or y and x), shifted so nothing is negative.
  const top = -total.lo;
  const page = ([u, v]: Flow): Point => (right ? [u, v + top] : [v + top, u]);
  const rect = (u: number, v: number, len: number, breadth: number): Rect =>
    right ? { x: u, y: v + top, width: len, height: breadth } : { x: v + top, y: u, width: breadth, height: len };
  const result: ElkResult = {
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
  for (const f of frames) {
    const b = frameBoxes.get(f.id);
    if (b) result.frames.set(f.id, rect(b.u, b.v, b.len, b.breadth));
  }
  for (const e of edges) result.edges.set(e.id, (routes.get(e.id) ?? []).map(page));
  return result;
}
