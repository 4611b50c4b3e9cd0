/**
 * Cross connections between towers (AlexNet's conv3 and fully-connected layers read every
 * lane). Where every lane's layer reads every lane's layer before it, an unseen junction
 * takes the place of those edges: the lanes meet in it and leave it again, so the towers
 * become a chain of fans (series-parallel), laid out and broken into rows like any other
 * chain. Drawn, the junction is a bus across the lanes in the gap between the two columns,
 * or, where a row ends at it, the one return line all lanes share into the next row.
 */
import type { DrawnEdge } from "../drawn.js";
import type { ElkInputNode } from "../elk.js";
import { FAN, GAP } from "./measure.js";
import { nodesOf, type Flow, type Item, type ParallelItem, type Size } from "./structure.js";

/** A junction's length along the flow: with its fans' margins, one gap between the columns. */
export const JUNCTION_LEN = GAP - 2 * FAN;

const JUNCTION = "\u0000cross";

/** The layers of one lane column read, together, by every layer of the next. */
export interface Junction {
  id: string;
  sources: string[];
  targets: string[];
}

export interface Crossed {
  /** The nodes with each junction inserted before its first target (declaration order). */
  nodes: ElkInputNode[];
  /** The edges with each junction's crossing edges replaced by edges into and out of it. */
  edges: DrawnEdge[];
  junctions: Junction[];
}

export const isJunction = (id: string): boolean => id.startsWith(JUNCTION);

/**
 * Inserts a junction for every full crossing between towers' lanes; the graph unchanged
 * when it has none, `undefined` when a cross connection is not a full crossing (some
 * lane's layer reads only some lanes, or a lane's layer feeds more than the next column).
 */
export function insertJunctions(nodes: ElkInputNode[], edges: DrawnEdge[]): Crossed | undefined {
  const laneOf = new Map(nodes.map((n) => [n.id, n.lane]));
  const isCross = (e: DrawnEdge): boolean => {
    const a = laneOf.get(e.from);
    const b = laneOf.get(e.to);
    return a !== undefined && b !== undefined && a.towers === b.towers && a.index !== b.index;
  };
  if (!edges.some(isCross)) return { nodes, edges, junctions: [] };
  const into = new Map<string, DrawnEdge[]>();
  const outOf = new Map<string, DrawnEdge[]>();
  for (const e of edges) {
    let i = into.get(e.to);
    if (!i) into.set(e.to, (i = []));
    i.push(e);
    let o = outOf.get(e.from);
    if (!o) outOf.set(e.from, (o = []));
    o.push(e);
  }
  const key = (ids: string[]): string => [...ids].sort().join("\u0001");
  // The targets of cross edges, grouped by what they read: each group is one crossing.
  const crossings = new Map<string, Junction>();
  for (const target of new Set(edges.filter(isCross).map((e) => e.to))) {
    const sources = into.get(target)!.map((x) => x.from);
    const k = key(sources);
    const crossing = crossings.get(k) ?? { id: `${JUNCTION}${crossings.size}`, sources, targets: [] };
    crossing.targets.push(target);
    crossings.set(k, crossing);
  }
  const replaced = new Set<DrawnEdge>();
  for (const { sources, targets } of crossings.values()) {
    const readers = key(targets);
    for (const s of sources) {
      const outs = outOf.get(s)!;
      if (outs.some((e) => e.shortcut) || key(outs.map((e) => e.to)) !== readers) return undefined;
      for (const e of outs) replaced.add(e);
    }
  }
  const junctions = [...crossings.values()];
  const order = new Map(nodes.map((n, i) => [n.id, i]));
  for (const j of junctions) j.targets.sort((a, b) => order.get(a)! - order.get(b)!);
  const firstTarget = new Map(junctions.map((j) => [j.targets[0]!, j]));
  const withJunctions: ElkInputNode[] = [];
  for (const n of nodes) {
    const j = firstTarget.get(n.id);
    // Inside the towers' frame; the geometry is a placeholder (the layout gives a junction its own size).
    if (j) withJunctions.push({ id: j.id, geometry: n.geometry, frame: n.lane!.towers });
    withJunctions.push(n);
  }
  const through = (from: string, to: string): DrawnEdge => ({ id: `${JUNCTION}${from}\u0000${to}`, from, to, shortcut: false, standsFor: [] });
  const rewired = edges.filter((e) => !replaced.has(e));
  for (const j of junctions) {
    for (const s of j.sources) rewired.push(through(s, j.id));
    for (const t of j.targets) rewired.push(through(j.id, t));
  }
  return { nodes: withJunctions, edges: rewired, junctions };
}

/**
 * Each crossing edge's polyline through its junction. Where the junction is within a row,
 * a bus across the lanes at the junction's middle: out of the source along its lane, along
 * the bus, into the target. Where a row ends at it, the lanes' way into the junction, then
 * the junction's way out of it into the next row.
 */
export function routeJunctions(
  crossed: Crossed,
  original: DrawnEdge[],
  ctx: {
    out: (id: string) => Flow;
    in: (id: string) => Flow;
    /** Junctions a row ends at. */
    wrapped: Set<string>;
    /** The polyline of a routed edge into or out of a junction, by its ends (`undefined` if none). */
    routeOf: (from: string, to: string) => Flow[] | undefined;
  },
): Map<string, Flow[]> {
  const routes = new Map<string, Flow[]>();
  const byEnds = new Map(original.map((e) => [`${e.from}\u0000${e.to}`, e]));
  for (const j of crossed.junctions) {
    const [start] = ctx.in(j.id);
    const bus = start + JUNCTION_LEN / 2;
    for (const s of j.sources) {
      for (const t of j.targets) {
        const edge = byEnds.get(`${s}\u0000${t}`)!;
        if (ctx.wrapped.has(j.id)) {
          routes.set(edge.id, [...ctx.routeOf(s, j.id)!, ...ctx.routeOf(j.id, t)!]);
          continue;
        }
        const [us, vs] = ctx.out(s);
        const [ut, vt] = ctx.in(t);
        routes.set(edge.id, vs === vt ? [[us, vs], [ut, vt]] : [[us, vs], [bus, vs], [bus, vt], [ut, vt]]);
      }
    }
  }
  return routes;
}

/**
 * The fans of towers' lanes on either side of a junction: each lane's reach across the
 * flow taken over all of them, keyed by the fan's join, so that every lane runs straight
 * from the first fan to the last and its layers sit in one row.
 */
export function alignLanes(chain: Item[], nodeById: Map<string, ElkInputNode>, measure: (items: Item[]) => Size, into: Map<string, Size[]>): void {
  const fans = new Map<string, ParallelItem[]>();
  const visit = (items: Item[]): void => {
    for (const item of items) {
      if (item.kind === "node") continue;
      if (item.kind !== "parallel") {
        visit(item.items);
        continue;
      }
      for (const b of item.branches) visit(b.items);
      if (!isJunction(item.fork) && !isJunction(item.join)) continue;
      const towers = nodeById.get(nodesOf(item.branches[0]!.items)[0] ?? "")?.lane?.towers;
      if (towers !== undefined) fans.set(towers, [...(fans.get(towers) ?? []), item]);
    }
  };
  visit(chain);
  for (const group of fans.values()) {
    const laneOf = (b: { items: Item[] }): number => nodeById.get(nodesOf(b.items)[0] ?? "")?.lane?.index ?? -1;
    const reach = new Map<number, Size>();
    for (const fan of group) {
      for (const b of fan.branches) {
        const { lo, hi } = measure(b.items);
        const was = reach.get(laneOf(b)) ?? { len: 0, lo: 0, hi: 0 };
        reach.set(laneOf(b), { len: 0, lo: Math.min(was.lo, lo), hi: Math.max(was.hi, hi) });
      }
    }
    for (const fan of group) into.set(fan.join, fan.branches.map((b) => reach.get(laneOf(b))!));
  }
}
