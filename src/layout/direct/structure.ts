/**
 * The series-parallel structure of a drawn graph: a chain of nodes, fans (branches from a
 * fork to a join), side chains (outputs of their own) and frames around contiguous runs.
 */
import type { DrawnEdge } from "../drawn.js";
import type { ElkInputNode } from "../elk.js";

export type Item = NodeItem | ParallelItem | SideItem | GroupItem;

export interface NodeItem {
  kind: "node";
  id: string;
}

export interface Branch {
  items: Item[];
}

/** Branches from `fork` that meet again at `join` (a fan, a residual block). */
export interface ParallelItem {
  kind: "parallel";
  readonly fork: string;
  readonly join: string;
  readonly branches: Branch[];
}

/** A chain that leaves the path at `fork` and ends in an output of its own. */
export interface SideItem {
  kind: "side";
  readonly fork: string;
  items: Item[];
}

/** A drawn frame around a contiguous run of a chain. */
export interface GroupItem {
  kind: "group";
  frame: string;
  items: Item[];
}

/** A measured piece: its length along the flow, its reach on both sides of its axis. */
export interface Size {
  len: number;
  lo: number;
  hi: number;
}

/** Flow coordinates: u along the flow, v across it (negative v is where shortcuts run). */
export type Flow = [number, number];

export class NotSeriesParallel extends Error {}

export function fail(why: string): never {
  throw new NotSeriesParallel(why);
}

/** Splits the graph into series and parallel parts, or says it cannot. */
export function decompose(nodes: ElkInputNode[], edges: DrawnEdge[]): Item[] {
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
        items.push({ kind: "side", fork: v, items: walk(s, undefined, sinkOf(s)) });
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
          if (s === join) return { items: [] };
          // The walk counts the branch's edge into the join as its last step.
          return { items: walk(s, join, join) };
        });
        items.push({ kind: "parallel", fork, join, branches });
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
export function lastNode(items: Item[]): string | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.kind === "node") return item.id;
    if (item.kind === "parallel") return item.join;
    if (item.kind === "group") return lastNode(item.items);
  }
  return undefined;
}

export function nodesOf(items: Item[], out: string[] = []): string[] {
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
export function groupFrames(chain: Item[], pathOf: (id: string) => string[]): Item[] {
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

