/**
 * Placing, top down: from the measures (measure.ts) and where a chain starts, the absolute
 * flow coordinates of every node box, frame, fan and side chain. New maps, no item changed.
 */
import type { ElkFrameInput } from "../elk.js";
import { framePadding, type Measures } from "./measure.js";
import type { Item, ParallelItem, SideItem } from "./structure.js";

export interface Placement {
  /** Each node box's start along the flow and the axis its ports sit on. */
  boxes: Map<string, { u: number; axis: number }>;
  frames: Map<string, { u: number; v: number; len: number; breadth: number }>;
  /** Each fan's span along the flow and axis, and each branch's axis and start. */
  fans: Map<ParallelItem, { start: number; end: number; axis: number; branches: { axis: number; start: number; shortcut: boolean }[] }>;
  /** Each side chain's start and axis, and the lane its line takes when it starts late. */
  sides: Map<SideItem, { start: number; axis: number; lane?: number }>;
}

export function emptyPlacement(): Placement {
  return { boxes: new Map(), frames: new Map(), fans: new Map(), sides: new Map() };
}

export function placeChain(
  items: Item[],
  u0: number,
  axis: number,
  m: Measures,
  frameById: Map<string, ElkFrameInput>,
  right: boolean,
  into: Placement,
): void {
  const chain = m.chains.get(items)!;
  let k = 0;
  for (const item of items) {
    if (item.kind === "side") {
      const rel = chain.sides.get(item)!;
      const side = { start: u0 + rel.start, axis: axis + rel.axis, ...(rel.lane === undefined ? {} : { lane: axis + rel.lane }) };
      into.sides.set(item, side);
      placeChain(item.items, side.start, side.axis, m, frameById, right, into);
      continue;
    }
    const u = u0 + chain.at[k++]!;
    const size = m.sizes.get(item)!;
    if (item.kind === "node") into.boxes.set(item.id, { u, axis });
    else if (item.kind === "group") {
      const pad = framePadding(frameById.get(item.frame)!, right);
      const inner = m.chains.get(item.items)!.size;
      // A label wider than the contents widens the frame on both sides.
      const before = pad.before + (size.len - (inner.len + pad.before + pad.after)) / 2;
      into.frames.set(item.frame, { u, v: axis + size.lo, len: size.len, breadth: size.hi - size.lo });
      placeChain(item.items, u + before, axis, m, frameById, right, into);
    } else {
      const fan = m.fans.get(item)!;
      const branches = fan.branches.map((b) => ({ axis: axis + b.axis, start: u + b.start, shortcut: b.shortcut }));
      into.fans.set(item, { start: u, end: u + size.len, axis, branches });
      item.branches.forEach((b, i) => {
        if (b.items.length > 0) placeChain(b.items, branches[i]!.start, branches[i]!.axis, m, frameById, right, into);
      });
    }
  }
}
