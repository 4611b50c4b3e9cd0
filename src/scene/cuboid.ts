import type { Projector } from "../layout/camera.js";
import type { Extent } from "../layout/scale.js";
import type { Theme } from "../themes/types.js";
import { shade } from "./color.js";
import type { Color, Point } from "../geometry/types.js";
import type { Primitive } from "./types.js";

/** One slab of a block along the flow axis: the block itself, or a folded activation band. */
export interface Segment {
  from: number;
  to: number;
  fill: Color;
  /** The layer the slab draws: the block's own for the first, a folded layer's for a band. */
  layer?: string;
}

type Face = "front" | "back" | "top" | "bottom" | "left" | "right";
type Vertex = [number, number, number];

/**
 * The faces of a box, each listed so that its projected winding is positive exactly when
 * the face turns towards the viewer (the front face's order, TL TR BR BL, sets the sense).
 */
function faces(x0: number, x1: number, y0: number, y1: number, z1: number): Record<Face, Vertex[]> {
  return {
    front: [[x0, y0, 0], [x1, y0, 0], [x1, y1, 0], [x0, y1, 0]],
    back: [[x0, y0, z1], [x0, y1, z1], [x1, y1, z1], [x1, y0, z1]],
    top: [[x0, y0, 0], [x0, y0, z1], [x1, y0, z1], [x1, y0, 0]],
    bottom: [[x0, y1, 0], [x1, y1, 0], [x1, y1, z1], [x0, y1, z1]],
    right: [[x1, y0, 0], [x1, y0, z1], [x1, y1, z1], [x1, y1, 0]],
    left: [[x0, y0, 0], [x0, y1, 0], [x0, y1, z1], [x0, y0, z1]],
  };
}

/** Twice-halved shoelace area: positive when the points wind the way a visible face does. */
export function signedArea(points: Point[]): number {
  let a = 0;
  for (let i = 0; i < points.length; i++) {
    const [x1, y1] = points[i]!;
    const [x2, y2] = points[(i + 1) % points.length]!;
    a += x1 * y2 - x2 * y1;
  }
  return a / 2;
}

function faceFill(theme: Theme, face: Face, fill: Color): Color {
  if (face === "top") return shade(fill, theme.shade.top);
  if (face === "front" || face === "back") return fill;
  return shade(fill, theme.shade.side);
}

export interface CuboidDrawing {
  primitives: Primitive[];
  /** Every projected corner: their convex hull is the block's outline on the page. */
  corners: Point[];
}

/**
 * Draws a block as slabs along the flow axis (`x` flowing right, `y` flowing down). Only
 * faces turned towards the viewer are drawn, and the faces between two slabs are skipped,
 * so no hidden face ever shows through; a theme may add the hidden edges dashed first.
 */
export function drawCuboid(
  owner: string,
  extent: Extent,
  segments: Segment[],
  axis: "x" | "y",
  project: Projector,
  theme: Theme,
): CuboidDrawing {
  const primitives: Primitive[] = [];
  const corners: Point[] = [];
  const blockLayer = segments[0]?.layer;
  // A band's faces belong to its folded layer, inside the block's group; the block's own faces,
  // end faces and hidden edges to the block's layer.
  const tag = (layer: string | undefined) =>
    layer === undefined ? {} : layer === blockLayer || blockLayer === undefined ? { layer } : { layer, foldedInto: blockLayer };
  const stroke = { color: theme.outline.color, width: theme.outline.width, join: "round" as const };
  const whole = faces(0, extent.x, 0, extent.y, extent.z);
  const visible = new Set<Face>();
  for (const [face, verts] of Object.entries(whole) as [Face, Vertex[]][]) {
    const pts = verts.map(([x, y, z]) => project(x, y, z));
    if (signedArea(pts) > 1e-6) visible.add(face);
    corners.push(...pts);
  }
  if (theme.hiddenEdges && extent.z > 0) {
    // An edge is hidden when neither face it borders is drawn.
    const hidden = hiddenEdges(extent, visible);
    for (const [a, b] of hidden) {
      primitives.push({
        type: "path",
        role: "block-hidden-edge",
        owner,
        ...tag(blockLayer),
        commands: [
          { op: "M", to: project(...a) },
          { op: "L", to: project(...b) },
        ],
        paint: { stroke: { color: theme.outline.color, width: theme.outline.width * 0.7, dash: [2, 1.5] } },
      });
    }
  }
  const [lowFace, highFace]: [Face, Face] = axis === "x" ? ["left", "right"] : ["top", "bottom"];
  segments.forEach((seg, i) => {
    const box =
      axis === "x"
        ? faces(seg.from, seg.to, 0, extent.y, extent.z)
        : faces(0, extent.x, seg.from, seg.to, extent.z);
    for (const face of ["back", "bottom", "left", "right", "top", "front"] as Face[]) {
      if (!visible.has(face)) continue;
      if (face === lowFace && i > 0) continue;
      if (face === highFace && i < segments.length - 1) continue;
      if (extent.z === 0 && face !== "front") continue;
      // The end face keeps the block's own colour even under a band, as PlotNeuralNet
      // draws it: the layer kind stays readable from its largest faces.
      const endFace = face === lowFace || face === highFace;
      const fill = endFace ? segments[0]!.fill : seg.fill;
      primitives.push({
        type: "polygon",
        role: "block-face",
        owner,
        ...tag(endFace ? blockLayer : seg.layer),
        points: box[face].map(([x, y, z]) => project(x, y, z)),
        paint: { fill: faceFill(theme, face, fill), fillOpacity: theme.faceOpacity < 1 ? theme.faceOpacity : undefined, stroke },
      });
    }
  });
  return { primitives, corners };
}

const EDGES: [number, number][] = [
  [0, 1], [1, 2], [2, 3], [3, 0],
  [4, 5], [5, 6], [6, 7], [7, 4],
  [0, 4], [1, 5], [2, 6], [3, 7],
];

function hiddenEdges(extent: Extent, visible: Set<Face>): [Vertex, Vertex][] {
  const { x, y, z } = extent;
  // Corners 0-3 on the front (TL TR BR BL), 4-7 behind them.
  const v: Vertex[] = [[0, 0, 0], [x, 0, 0], [x, y, 0], [0, y, 0], [0, 0, z], [x, 0, z], [x, y, z], [0, y, z]];
  const faceOf = (a: Vertex, b: Vertex): Face[] => {
    const out: Face[] = [];
    if (a[2] === 0 && b[2] === 0) out.push("front");
    if (a[2] === z && b[2] === z) out.push("back");
    if (a[1] === 0 && b[1] === 0) out.push("top");
    if (a[1] === y && b[1] === y) out.push("bottom");
    if (a[0] === 0 && b[0] === 0) out.push("left");
    if (a[0] === x && b[0] === x) out.push("right");
    return out;
  };
  return EDGES.map(([i, j]) => [v[i]!, v[j]!] as [Vertex, Vertex]).filter(([a, b]) => faceOf(a, b).every((f) => !visible.has(f)));
}

/** Convex hull (Andrew's monotone chain), clockwise on the page: the outline of a block. */
export function convexHull(points: Point[]): Point[] {
  const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts;
  const cross = (o: Point, a: Point, b: Point): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Point[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (const p of [...pts].reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}
