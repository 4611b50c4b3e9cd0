/**
 * Arrow-head geometry shared by the renderers, so that an arrowed path looks the same in
 * every output format: a solid triangle whose tip is the path's end point, pointing along
 * the path's last segment, with the stroked line pulled back inside the head so that a
 * thick line's square end never shows past the tip.
 */

import type { PathCommand, Point } from "../geometry/types.js";

export interface ArrowHead {
  /** The tip and the two barbs: a closed triangle in scene coordinates. */
  polygon: [Point, Point, Point];
  /** The path to stroke instead of the original: its end moved back to the head's middle. */
  shortened: PathCommand[];
  /** Length of the head along the path, in points. */
  length: number;
}

/**
 * Head length for a stroke width: five widths (the paper theme's 0.9 pt edges get 4.5 pt
 * heads), never under 3 pt so hairline edges still show a head.
 */
export function arrowLength(strokeWidth: number): number {
  return Math.max(3, 5 * strokeWidth);
}

/** Half the head's width at its base, relative to its length. */
const HALF_WIDTH = 0.38;

/** How far the stroke is pulled back, relative to the head length: inside the head, not past its base. */
const PULL_BACK = 0.6;

const sub = (a: Point, b: Point): Point => [a[0] - b[0], a[1] - b[1]];
const lerp = (a: Point, b: Point, t: number): Point => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
const dist = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** The cubic from p0 split at t: the first part's controls and end (de Casteljau). */
function splitCubic(p0: Point, c1: Point, c2: Point, to: Point, t: number): { c1: Point; c2: Point; to: Point } {
  const a = lerp(p0, c1, t);
  const b = lerp(c1, c2, t);
  const c = lerp(c2, to, t);
  const ab = lerp(a, b, t);
  const bc = lerp(b, c, t);
  return { c1: a, c2: ab, to: lerp(ab, bc, t) };
}

function cubicAt(p0: Point, c1: Point, c2: Point, to: Point, t: number): Point {
  return splitCubic(p0, c1, c2, to, t).to;
}

/**
 * The head at the end of `commands`, or undefined when the path has no direction at its
 * end (a closed path, or one whose last segment has zero length).
 */
export function arrowHead(commands: PathCommand[], strokeWidth: number, length = arrowLength(strokeWidth)): ArrowHead | undefined {
  const lastIndex = commands.length - 1;
  const last = commands[lastIndex];
  if (!last || last.op === "Z" || last.op === "M" || lastIndex === 0) return undefined;
  const prev = commands[lastIndex - 1]!;
  if (prev.op === "Z") return undefined;
  const from = prev.to;
  const tip = last.to;
  // The direction at the end of a cubic is along its last non-degenerate control leg.
  const back = last.op === "C" ? [last.c2, last.c1, from].find((p) => dist(p, tip) > 1e-9) : from;
  if (!back || dist(back, tip) <= 1e-9) return undefined;

  const [dx, dy] = sub(tip, back);
  const norm = Math.hypot(dx, dy);
  const ux = dx / norm;
  const uy = dy / norm;
  const base: Point = [tip[0] - ux * length, tip[1] - uy * length];
  const half = length * HALF_WIDTH;
  const polygon: [Point, Point, Point] = [tip, [base[0] - uy * half, base[1] + ux * half], [base[0] + uy * half, base[1] - ux * half]];

  const pull = length * PULL_BACK;
  const shortened = commands.slice(0, lastIndex);
  if (last.op === "L") {
    const segment = dist(from, tip);
    // A segment shorter than the pull-back stays whole; the head covers it anyway.
    shortened.push(segment > pull ? { op: "L", to: lerp(tip, from, pull / segment) } : last);
  } else {
    // Find the parameter whose point lies `pull` before the tip (distance to the tip falls
    // monotonically near the end of an edge's curve), then keep the curve up to it.
    let lo = 0;
    let hi = 1;
    if (dist(from, tip) <= pull) {
      shortened.push(last);
    } else {
      for (let i = 0; i < 40; i++) {
        const mid = (lo + hi) / 2;
        if (dist(cubicAt(from, last.c1, last.c2, tip, mid), tip) > pull) lo = mid;
        else hi = mid;
      }
      shortened.push({ op: "C", ...splitCubic(from, last.c1, last.c2, tip, lo) });
    }
  }
  return { polygon, shortened, length };
}
