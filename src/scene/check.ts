import { measureText } from "../text/measure.js";
import type { Point } from "../geometry/types.js";
import type { Primitive, Scene, TextPrimitive } from "./types.js";

/** A defect a reviewer would circle on a figure. */
export interface SceneProblem {
  kind: "label-overlap" | "label-on-block" | "edge-detached";
  message: string;
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Labels may touch by this much (anti-aliasing), edges may miss their block by this much. */
const TOLERANCE = 0.5;

function textBox(t: TextPrimitive): Box {
  const { ascent, descent } = measureText(t.text, t.font);
  const start = t.anchor === "start" ? 0 : t.anchor === "middle" ? -t.width / 2 : -t.width;
  // Corners relative to the anchor, then rotated (counter-clockwise on paper is negative in y-down).
  const corners: Point[] = [
    [start, -ascent],
    [start + t.width, -ascent],
    [start + t.width, descent],
    [start, descent],
  ];
  const a = ((t.rotate ?? 0) * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const pts = corners.map(([x, y]) => [t.at[0] + x * cos + y * sin, t.at[1] - x * sin + y * cos] as Point);
  return boxOf(pts);
}

function boxOf(points: Point[]): Box {
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const [x, y] of points) {
    left = Math.min(left, x);
    right = Math.max(right, x);
    top = Math.min(top, y);
    bottom = Math.max(bottom, y);
  }
  return { left, top, right, bottom };
}

function shrink(b: Box, d: number): Box {
  return { left: b.left + d, top: b.top + d, right: b.right - d, bottom: b.bottom - d };
}

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/** Separating-axis test of a rectangle against a convex polygon. */
function rectHitsPolygon(r: Box, poly: Point[]): boolean {
  if (!overlaps(r, boxOf(poly))) return false;
  const rect: Point[] = [
    [r.left, r.top],
    [r.right, r.top],
    [r.right, r.bottom],
    [r.left, r.bottom],
  ];
  for (let i = 0; i < poly.length; i++) {
    const [x1, y1] = poly[i]!;
    const [x2, y2] = poly[(i + 1) % poly.length]!;
    const axis: Point = [y1 - y2, x2 - x1];
    const project = (pts: Point[]): [number, number] => {
      let lo = Infinity;
      let hi = -Infinity;
      for (const [x, y] of pts) {
        const v = x * axis[0] + y * axis[1];
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      return [lo, hi];
    };
    const [a0, a1] = project(poly);
    const [b0, b1] = project(rect);
    if (a1 <= b0 || b1 <= a0) return false;
  }
  return true;
}

function rectHitsCircle(r: Box, c: Point, radius: number): boolean {
  const nearest: Point = [Math.max(r.left, Math.min(c[0], r.right)), Math.max(r.top, Math.min(c[1], r.bottom))];
  return Math.hypot(nearest[0] - c[0], nearest[1] - c[1]) < radius;
}

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

function insideConvex(p: Point, poly: Point[]): boolean {
  let sign = 0;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i]!;
    const b = poly[(i + 1) % poly.length]!;
    const c = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
    if (Math.abs(c) < 1e-9) continue;
    if (sign === 0) sign = Math.sign(c);
    else if (Math.sign(c) !== sign) return false;
  }
  return true;
}

/** Distance from a point to what a node draws (0 inside a face or the ⊕). */
function distanceToNode(p: Point, shapes: Primitive[]): number {
  let best = Infinity;
  for (const s of shapes) {
    if (s.type === "circle") best = Math.min(best, Math.max(0, Math.hypot(p[0] - s.center[0], p[1] - s.center[1]) - s.radius));
    else if (s.type === "polygon") {
      if (insideConvex(p, s.points)) return 0;
      for (let i = 0; i < s.points.length; i++) best = Math.min(best, distanceToSegment(p, s.points[i]!, s.points[(i + 1) % s.points.length]!));
    }
  }
  return best;
}

/** Buckets boxes on a coarse grid so each label is only tested against its neighbours. */
class Grid<T> {
  private readonly cells = new Map<string, T[]>();
  constructor(private readonly size: number) {}
  private keys(b: Box): string[] {
    const keys: string[] = [];
    for (let x = Math.floor(b.left / this.size); x <= Math.floor(b.right / this.size); x++) {
      for (let y = Math.floor(b.top / this.size); y <= Math.floor(b.bottom / this.size); y++) keys.push(`${x},${y}`);
    }
    return keys;
  }
  add(b: Box, item: T): void {
    for (const k of this.keys(b)) this.cells.set(k, [...(this.cells.get(k) ?? []), item]);
  }
  near(b: Box): Set<T> {
    const out = new Set<T>();
    for (const k of this.keys(b)) for (const item of this.cells.get(k) ?? []) out.add(item);
    return out;
  }
}

const SOLID_ROLES = new Set(["block-face", "sum", "kernel", "legend-swatch", "neuron"]);

/**
 * Checks a scene the way a reviewer reads a figure: no label overlaps another label or a
 * block it does not belong to, and every edge starts on its source and ends on its target.
 */
export function checkScene(scene: Scene): SceneProblem[] {
  const problems: SceneProblem[] = [];
  const texts = scene.primitives.filter((p): p is TextPrimitive => p.type === "text");
  const boxes = texts.map((t) => ({ t, box: shrink(textBox(t), TOLERANCE) }));

  const labelGrid = new Grid<(typeof boxes)[number]>(64);
  for (const entry of boxes) {
    for (const other of labelGrid.near(entry.box)) {
      if (overlaps(entry.box, other.box)) {
        problems.push({ kind: "label-overlap", message: `label "${entry.t.text}" (${entry.t.owner ?? entry.t.role}) overlaps "${other.t.text}" (${other.t.owner ?? other.t.role})` });
      }
    }
    labelGrid.add(entry.box, entry);
  }

  const solids = scene.primitives.filter((p) => SOLID_ROLES.has(p.role) && (p.type === "polygon" || p.type === "circle"));
  const solidGrid = new Grid<Primitive>(64);
  const byOwner = new Map<string, Primitive[]>();
  for (const s of solids) {
    const box = s.type === "circle" ? { left: s.center[0] - s.radius, right: s.center[0] + s.radius, top: s.center[1] - s.radius, bottom: s.center[1] + s.radius } : boxOf(s.type === "polygon" ? s.points : []);
    solidGrid.add(box, s);
    if (s.owner !== undefined) byOwner.set(s.owner, [...(byOwner.get(s.owner) ?? []), s]);
  }
  for (const { t, box } of boxes) {
    for (const s of solidGrid.near(box)) {
      if (s.owner === t.owner) continue;
      const hit = s.type === "circle" ? rectHitsCircle(box, s.center, s.radius) : s.type === "polygon" && rectHitsPolygon(box, s.points);
      if (hit) {
        problems.push({ kind: "label-on-block", message: `label "${t.text}" (${t.owner ?? t.role}) lies on ${s.owner ?? s.role}` });
        break;
      }
    }
  }

  for (const p of scene.primitives) {
    if (p.type !== "path" || !p.link) continue;
    const first = p.commands[0];
    const last = p.commands[p.commands.length - 1];
    if (!first || first.op === "Z" || !last || last.op === "Z") continue;
    const ends: [string, Point, string][] = [
      [p.link.from, first.to, "starts"],
      [p.link.to, last.to, "ends"],
    ];
    for (const [node, point, verb] of ends) {
      const d = distanceToNode(point, byOwner.get(node) ?? []);
      if (d > TOLERANCE) problems.push({ kind: "edge-detached", message: `edge ${p.owner ?? ""} ${verb} ${d.toFixed(1)} pt away from ${node}` });
    }
  }
  return problems;
}
