import type { Projector } from "../layout/camera.js";
import type { LaidOutGraph } from "../layout/types.js";
import type { Theme } from "../themes/types.js";
import type { Outline } from "./edges.js";
import type { Primitive } from "./types.js";

/**
 * Kernel pyramids, as in the AlexNet paper: the kernel as a small patch on the exit face
 * of a block, with four lines to the point of the next block it produces. The patch is
 * the kernel's share of the input's spatial size, never smaller than 2 points. Drawn
 * when the figure flows right, where the exit face is in view.
 */
export function drawPyramids(
  laidOut: LaidOutGraph,
  projectors: Map<string, Projector>,
  outlines: Map<string, Outline>,
  theme: Theme,
): Primitive[] {
  if (laidOut.options.direction !== "right") return [];
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
    const hy = Math.max(1, (sy * Math.min(1, kh / h)) / 2);
    const hz = Math.max(1, (sz * Math.min(1, kw / w)) / 2);
    const yc = sy / 2;
    const zc = sz / 2;
    const corners = [pa(sx, yc - hy, zc - hz), pa(sx, yc - hy, zc + hz), pa(sx, yc + hy, zc + hz), pa(sx, yc + hy, zc - hz)];
    const apex = pb(0, b.extent.y / 2, 0);
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
      paint: { fill: theme.categories[b.category].fill, stroke: { color: theme.outline.color, width: theme.outline.width } },
    });
  }
  return out;
}
