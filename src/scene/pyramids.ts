import type { Projector } from "../layout/camera.js";
import type { LaidOutBlocks } from "../layout/types.js";
import type { Theme } from "../themes/types.js";
import type { Outline } from "./edges.js";
import type { Primitive } from "./types.js";

/**
 * Kernel pyramids, as in the AlexNet paper: the kernel as a small patch on the exit face
 * of a block, with four lines to the point of the next block it produces. The patch is
 * the kernel's share of the input's spatial size, never smaller than 2 points. Flowing
 * right, the exit face is the block's right side, in view. Flowing down it is the bottom,
 * which the camera cannot see: the patch is drawn there all the same, outlined dashed as
 * hidden edges are, and the lines run to the centre of the next block's top face.
 */
export function drawPyramids(
  laidOut: LaidOutBlocks,
  projectors: Map<string, Projector>,
  outlines: Map<string, Outline>,
  theme: Theme,
): Primitive[] {
  const right = laidOut.options.direction === "right";
  const nodes = new Map(laidOut.nodes.map((n) => [n.id, n]));
  const out: Primitive[] = [];
  for (const edge of laidOut.edges) {
    const a = nodes.get(edge.from);
    const b = nodes.get(edge.to);
    const pa = projectors.get(edge.from);
    const pb = projectors.get(edge.to);
    if (!a || !b || !pa || !pb || edge.shortcut || !b.kernel || !b.inputSpatial || a.shape.length !== 3 || !outlines.has(b.id)) continue;
    const [kh, kw] = b.kernel;
    const [h, w] = b.inputSpatial;
    const { x: sx, y: sy, z: sz } = a.extent;
    // Height runs across the flow (y flowing right, x flowing down), width recedes (z).
    const across = right ? sy : sx;
    const ha = Math.max(1, (across * Math.min(1, kh / h)) / 2);
    const hz = Math.max(1, (sz * Math.min(1, kw / w)) / 2);
    const ac = across / 2;
    const zc = sz / 2;
    const on = (t: number, z: number) => (right ? pa(sx, t, z) : pa(t, sy, z));
    const corners = [on(ac - ha, zc - hz), on(ac - ha, zc + hz), on(ac + ha, zc + hz), on(ac + ha, zc - hz)];
    const apex = right ? pb(0, b.extent.y / 2, 0) : pb(b.extent.x / 2, 0, b.extent.z / 2);
    const stroke = { color: theme.outline.color, width: theme.outline.width * 0.7, dash: [2, 1.5] };
    out.push({
      type: "path",
      role: "pyramid",
      owner: edge.id,
      commands: corners.flatMap((c) => [
        { op: "M" as const, to: c },
        { op: "L" as const, to: apex },
      ]),
      paint: { stroke },
    });
    out.push({
      type: "polygon",
      role: "kernel",
      owner: a.id,
      points: corners,
      paint: {
        fill: theme.categories[b.category].fill,
        stroke: { color: theme.outline.color, width: theme.outline.width, ...(right ? {} : { dash: [2, 1.5] }) },
      },
    });
  }
  return out;
}
