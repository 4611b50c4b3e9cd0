import type { PathCommand, Point } from "../geometry/types.js";

/** The outline an edge attaches to: a block's convex silhouette, or the ⊕ circle. */
export type Outline = { kind: "polygon"; points: Point[] } | { kind: "circle"; center: Point; radius: number };

/** Parameters t where the line p + t·d crosses the outline. */
function crossings(outline: Outline, p: Point, d: Point): number[] {
  const ts: number[] = [];
  if (outline.kind === "circle") {
    const fx = p[0] - outline.center[0];
    const fy = p[1] - outline.center[1];
    const a = d[0] * d[0] + d[1] * d[1];
    const b = 2 * (fx * d[0] + fy * d[1]);
    const c = fx * fx + fy * fy - outline.radius * outline.radius;
    const disc = b * b - 4 * a * c;
    if (disc >= 0) ts.push((-b - Math.sqrt(disc)) / (2 * a), (-b + Math.sqrt(disc)) / (2 * a));
    return ts;
  }
  const pts = outline.points;
  for (let i = 0; i < pts.length; i++) {
    const a = pts[i]!;
    const b = pts[(i + 1) % pts.length]!;
    const ex = b[0] - a[0];
    const ey = b[1] - a[1];
    const den = d[0] * ey - d[1] * ex;
    if (Math.abs(den) < 1e-12) continue;
    const t = ((a[0] - p[0]) * ey - (a[1] - p[1]) * ex) / den;
    const u = ((a[0] - p[0]) * d[1] - (a[1] - p[1]) * d[0]) / den;
    if (u >= -1e-9 && u <= 1 + 1e-9) ts.push(t);
  }
  return ts;
}

function unit(a: Point, b: Point): Point {
  const len = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
  return [(b[0] - a[0]) / len, (b[1] - a[1]) / len];
}

/**
 * Moves an edge's ends from the layout boxes onto the drawn outlines, along the first
 * and last segments: an edge leaves where its line exits the source block and stops
 * where it enters the target, however wide the labels made the boxes.
 */
export function attachEnds(points: Point[], source: Outline, target: Outline): Point[] {
  if (points.length < 2) return points;
  const out = points.map((p) => [p[0], p[1]] as Point);
  const d0 = unit(out[0]!, out[1]!);
  const exits = crossings(source, out[0]!, d0);
  if (exits.length > 0) {
    const t = Math.max(...exits);
    out[0] = [out[0]![0] + d0[0] * t, out[0]![1] + d0[1] * t];
  }
  const n = out.length - 1;
  const d1 = unit(out[n - 1]!, out[n]!);
  const entries = crossings(target, out[n]!, d1);
  if (entries.length > 0) {
    const t = Math.min(...entries);
    out[n] = [out[n]![0] + d1[0] * t, out[n]![1] + d1[1] * t];
  }
  return out;
}

/** Path commands for a polyline with its bends rounded, as hand-drawn diagrams do. */
export function roundedPath(points: Point[], radius: number): PathCommand[] {
  const commands: PathCommand[] = [{ op: "M", to: points[0]! }];
  // Circle-quadrant approximation by a cubic: control points at 0.5523 of the way to the corner.
  const k = 0.5523;
  for (let i = 1; i < points.length - 1; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const c = points[i + 1]!;
    const r = Math.min(radius, Math.hypot(b[0] - a[0], b[1] - a[1]) / 2, Math.hypot(c[0] - b[0], c[1] - b[1]) / 2);
    const u = unit(a, b);
    const v = unit(b, c);
    const p1: Point = [b[0] - u[0] * r, b[1] - u[1] * r];
    const p2: Point = [b[0] + v[0] * r, b[1] + v[1] * r];
    commands.push({ op: "L", to: p1 });
    commands.push({
      op: "C",
      c1: [p1[0] + (b[0] - p1[0]) * k, p1[1] + (b[1] - p1[1]) * k],
      c2: [p2[0] + (b[0] - p2[0]) * k, p2[1] + (b[1] - p2[1]) * k],
      to: p2,
    });
  }
  commands.push({ op: "L", to: points[points.length - 1]! });
  return commands;
}

/** Drops points that repeat the previous one or lie on a straight line through their neighbours. */
export function simplify(points: Point[]): Point[] {
  const out: Point[] = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (last && Math.abs(last[0] - p[0]) < 0.01 && Math.abs(last[1] - p[1]) < 0.01) continue;
    const prev = out[out.length - 2];
    if (prev && last) {
      const cross = (last[0] - prev[0]) * (p[1] - last[1]) - (last[1] - prev[1]) * (p[0] - last[0]);
      if (Math.abs(cross) < 0.01) out.pop();
    }
    out.push(p);
  }
  return out;
}
