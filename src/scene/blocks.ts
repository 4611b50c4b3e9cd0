import type { Point } from "../geometry/types.js";
import { projector } from "../layout/camera.js";
import { sumBandSpan } from "../layout/node-geometry.js";
import type { LaidOutGraph, LaidOutNode } from "../layout/types.js";
import type { OpCategory } from "../ops/types.js";
import type { RenderOptions } from "../options/figure.js";
import type { Theme } from "../themes/index.js";
import { activationThumbnail, type Activations } from "./thumbnails.js";
import { convexHull, drawCuboid, type Segment } from "./cuboid.js";
import { attachEnds, roundedPath, simplify, type Outline } from "./edges.js";
import { drawPyramids } from "./pyramids.js";
import { frameOutline } from "./shapes.js";
import type { Primitive } from "./types.js";
import { labelText } from "./label.js";

/** Folded bands sit at the far end of the block along the flow, as PlotNeuralNet draws ReLU. */
function segments(node: LaidOutNode, theme: Theme, length: number): Segment[] {
  const fill = theme.categories[node.category].fill;
  if (node.bands.length === 0) return [{ from: 0, to: length, fill, layer: node.id }];
  let band = Math.min(6, Math.max(2.5, length * 0.22));
  band = Math.min(band, (length * 0.6) / node.bands.length);
  const start = length - band * node.bands.length;
  return [
    { from: 0, to: start, fill, layer: node.id },
    ...node.bands.map((b, i) => ({ from: start + band * i, to: start + band * (i + 1), fill: theme.categories[b.category].fill, layer: b.id })),
  ];
}

/** The ⊕'s bands (the ReLU after a residual addition), slabs the arrow leaves through. */
function sumBands(node: LaidOutNode, theme: Theme, right: boolean): Primitive[] {
  const r = node.extent.x / 2;
  const span = sumBandSpan(theme, node.bands.length);
  const [ox, oy] = node.origin;
  const inset = r * 0.1;
  return node.bands.map((band, i): Primitive => {
    const a = span.from + span.width * i;
    const b = a + span.width;
    const corners: Point[] = right
      ? [[ox + a, oy + inset], [ox + b, oy + inset], [ox + b, oy + 2 * r - inset], [ox + a, oy + 2 * r - inset]]
      : [[ox + inset, oy + a], [ox + 2 * r - inset, oy + a], [ox + 2 * r - inset, oy + b], [ox + inset, oy + b]];
    return { type: "polygon", role: "sum-band", owner: node.id, layer: band.id, foldedInto: node.id, points: corners, paint: { fill: theme.categories[band.category].fill, stroke: { color: theme.outline.color, width: theme.outline.width } } };
  });
}

function drawSum(node: LaidOutNode, theme: Theme, right: boolean): { primitives: Primitive[]; outline: Outline } {
  const r = node.extent.x / 2;
  const center: Point = [node.origin[0] + r, node.origin[1] + r];
  const arm = r * 0.55;
  const stroke = { color: theme.outline.color, width: theme.outline.width * 1.4, cap: "round" as const };
  return {
    outline: { kind: "circle", center, radius: r },
    primitives: [
      ...sumBands(node, theme, right),
      { type: "circle", role: "sum", owner: node.id, layer: node.id, center, radius: r, paint: { fill: theme.categories.merge.fill, stroke: { color: theme.outline.color, width: theme.outline.width } } },
      {
        type: "path",
        role: "sum-sign",
        owner: node.id,
        layer: node.id,
        commands: [
          { op: "M", to: [center[0] - arm, center[1]] },
          { op: "L", to: [center[0] + arm, center[1]] },
          { op: "M", to: [center[0], center[1] - arm] },
          { op: "L", to: [center[0], center[1] + arm] },
        ],
        paint: { stroke },
      },
    ],
  };
}

/** What a blocks figure draws, and which layer kinds (with their ops) it shows, for the legend. */
export interface BlocksDrawing {
  primitives: Primitive[];
  present: Map<OpCategory, Set<string>>;
}

/** The layer kinds a blocks figure shows, with the ops each stands for: what its legend lists. */
export function presentKinds(nodes: readonly LaidOutNode[]): Map<OpCategory, Set<string>> {
  const present = new Map<OpCategory, Set<string>>();
  const note = (category: OpCategory, op: string): void => {
    present.set(category, (present.get(category) ?? new Set()).add(op));
  };
  for (const node of nodes) {
    note(node.category, node.legendName);
    for (const b of node.bands) note(b.category, b.op);
  }
  return present;
}

/**
 * Frames, then edges, then blocks with their labels, so that nearer things cover farther
 * ones. One pass over nodes and edges: the cost grows linearly with the network.
 */
export function drawBlocks(laidOut: LaidOutGraph, options: RenderOptions, theme: Theme, activations?: Activations): BlocksDrawing {
  const primitives: Primitive[] = [];
  for (const frame of laidOut.frames) {
    primitives.push({
      type: "path",
      role: "frame",
      owner: frame.id,
      commands: frameOutline(frame.box, 5),
      paint: { fill: theme.frame.fill, stroke: { color: theme.frame.color, width: theme.frame.width, dash: theme.frame.dash } },
    });
    primitives.push(labelText(frame.label, theme, frame.id));
  }

  // Blocks are drawn first into their own list so that edges can attach to their outlines
  // and still be painted underneath them.
  const blockPrims: Primitive[] = [];
  const outlines = new Map<string, Outline>();
  const present = presentKinds(laidOut.nodes);
  const vanish: Point = [options.camera.vanish[0] * laidOut.width, options.camera.vanish[1] * laidOut.height];
  const projectors = new Map<string, ReturnType<typeof projector>>();
  for (const node of laidOut.nodes) {
    if (node.kind === "sum") {
      const sum = drawSum(node, theme, options.direction === "right");
      blockPrims.push(...sum.primitives);
      outlines.set(node.id, sum.outline);
    } else {
      const project = projector(options.camera, node.origin, node.extent, vanish);
      projectors.set(node.id, project);
      const axis = options.direction === "right" ? "x" : "y";
      const cuboid = drawCuboid(node.id, node.extent, segments(node, theme, node.extent[axis]), axis, project, theme);
      blockPrims.push(...cuboid.primitives);
      const thumbnail = activations && activationThumbnail(node, project, options.direction, activations);
      if (thumbnail) blockPrims.push({ ...thumbnail, layer: node.id });
      outlines.set(node.id, { kind: "polygon", points: convexHull(cuboid.corners) });
    }
    for (const l of node.labels) blockPrims.push({ ...labelText(l, theme, node.id), layer: node.id });
  }

  for (const edge of laidOut.edges) {
    const source = outlines.get(edge.from);
    const target = outlines.get(edge.to);
    if (!source || !target || edge.points.length < 2) continue;
    const points = attachEnds(simplify(edge.points), source, target);
    primitives.push({
      type: "path",
      role: edge.shortcut ? "edge-shortcut" : "edge",
      owner: edge.id,
      link: { from: edge.from, to: edge.to },
      commands: roundedPath(points, 6),
      paint: { stroke: { color: theme.edge.color, width: theme.edge.width, join: "round" } },
      arrow: "end",
    });
  }
  // One push per primitive: spreading a 50,000-layer figure's primitives as arguments overflows the stack.
  for (const primitive of blockPrims) primitives.push(primitive);
  if (options.pyramids) for (const primitive of drawPyramids(laidOut, projectors, outlines, theme)) primitives.push(primitive);
  return { primitives, present };
}
