/**
 * Routing, from the placement (place.ts): every edge as a polyline in flow coordinates
 * from its source's out port to its target's in port, or to the side port of a ⊕ for a
 * shortcut. The main path is straight; a fan splits and meets just inside its span; a
 * side chain leaves down a bus just before its first block.
 */
import { LEAD } from "./measure.js";
import type { Placement } from "./place.js";
import { fail, lastNode, nodesOf, type Flow, type Item, type ParallelItem, type Size } from "./structure.js";


export interface RouteContext {
  placement: Placement;
  local: Map<string, { size: Size; side: Flow }>;
  abutOf: (id: string) => number | undefined;
  /** Records the polyline of the edge from → to. */
  route: (from: string, to: string, points: Flow[]) => void;
}

export function ports(ctx: Pick<RouteContext, "placement" | "local">) {
  const box = (id: string) => ctx.placement.boxes.get(id)!;
  return {
    out: (id: string): Flow => [box(id).u + ctx.local.get(id)!.size.len, box(id).axis],
    in: (id: string): Flow => [box(id).u, box(id).axis],
    side: (id: string): Flow => {
      const side = ctx.local.get(id)!.side;
      return [box(id).u + side[0], box(id).axis + side[1]];
    },
  };
}

const firstNode = (items: Item[]): string => nodesOf(items.slice(0, 1))[0] ?? fail("empty chain");

/** The node a chain is entered at, or undefined when it opens with a fan (whose edges leave the fork). */
function entryNode(item: Item): string | undefined {
  if (item.kind === "node") return item.id;
  if (item.kind === "group") return entryNode(item.items[0]!);
  return undefined;
}

export function routeChain(items: Item[], ctx: RouteContext): void {
  const port = ports(ctx);
  let previous: string | undefined;
  for (const item of items) {
    if (item.kind === "side") {
      const first = firstNode(item.items);
      const [u0, v0] = port.out(item.fork);
      const [u1, v1] = port.in(first);
      const side = ctx.placement.sides.get(item)!;
      const bus = side.start - LEAD;
      ctx.route(
        item.fork,
        first,
        side.lane === undefined
          ? [[u0, v0], [bus, v0], [bus, v1], [u1, v1]]
          : [[u0, v0], [u0 + LEAD, v0], [u0 + LEAD, side.lane], [bus, side.lane], [bus, v1], [u1, v1]],
      );
      routeChain(item.items, ctx);
      continue;
    }
    if (item.kind === "parallel") routeFan(item, ctx);
    else {
      const entry = entryNode(item);
      // After a fan, its join is entered by the branches' own edges; slabs face to face need no arrow.
      if (previous !== undefined && entry !== undefined && entry !== previous && ctx.abutOf(entry) === undefined) {
        ctx.route(previous, entry, [port.out(previous), port.in(entry)]);
      }
      if (item.kind === "group") routeChain(item.items, ctx);
    }
    previous = lastNode([item]);
  }
}

function routeFan(item: ParallelItem, ctx: RouteContext): void {
  const port = ports(ctx);
  const fan = ctx.placement.fans.get(item)!;
  const [fu, fv] = port.out(item.fork);
  item.branches.forEach((b, i) => {
    const { axis, shortcut } = fan.branches[i]!;
    const into: Flow[] = [];
    if (b.items.length > 0) {
      const first = firstNode(b.items);
      const [u1, v1] = port.in(first);
      ctx.route(item.fork, first, axis === fv ? [[fu, fv], [u1, v1]] : [[fu, fv], [fan.start, fv], [fan.start, axis], [u1, v1]]);
      routeChain(b.items, ctx);
      into.push(port.out(lastNode(b.items)!));
    } else {
      into.push([fu, fv], [fan.start, fv], [fan.start, axis]);
    }
    const from = lastNode(b.items) ?? item.fork;
    if (shortcut) {
      const [su, sv] = port.side(item.join);
      into.push([su, axis], [su, sv]);
    } else {
      const [ju, jv] = port.in(item.join);
      if (axis !== jv) into.push([fan.end, axis], [fan.end, jv]);
      into.push([ju, jv]);
    }
    ctx.route(from, item.join, into);
  });
}
