import { checkScene } from "../scene/check.js";
import type { Scene } from "../scene/types.js";

/** How a figure prints: what a reader of the paper would judge it by. */
export interface PrintMetrics {
  widthPt: number;
  heightPt: number;
  /** The smallest text on the page. */
  minFontPt: number;
  /** Text over text, or text over a block it does not belong to. */
  collisions: number;
  /** The median printed height of the blocks, faces and all (0 when the figure has none). */
  medianBlockPt: number;
  blocks: number;
}

/** Measures a scene at the size it prints (after `scaleScene`). */
export function printMetrics(scene: Scene): PrintMetrics {
  let minFontPt = Infinity;
  const spans = new Map<string, [number, number]>();
  for (const p of scene.primitives) {
    if (p.type === "text") minFontPt = Math.min(minFontPt, p.font.size);
    else if (p.type === "polygon" && p.role === "block-face" && p.owner !== undefined) {
      const span = spans.get(p.owner) ?? [Infinity, -Infinity];
      for (const [, y] of p.points) {
        span[0] = Math.min(span[0], y);
        span[1] = Math.max(span[1], y);
      }
      spans.set(p.owner, span);
    }
  }
  const heights = [...spans.values()].map(([top, bottom]) => bottom - top).sort((a, b) => a - b);
  const middle = heights.length >> 1;
  const medianBlockPt = heights.length === 0 ? 0 : heights.length % 2 ? heights[middle]! : (heights[middle - 1]! + heights[middle]!) / 2;
  const collisions = checkScene(scene).filter((p) => p.kind === "label-overlap" || p.kind === "label-on-block").length;
  return { widthPt: scene.width, heightPt: scene.height, minFontPt: minFontPt === Infinity ? 0 : minFontPt, collisions, medianBlockPt, blocks: heights.length };
}
