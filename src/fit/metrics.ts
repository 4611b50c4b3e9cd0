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
  /** The median printed size of the blocks, each its larger side (0 when the figure has none). */
  medianBlockPt: number;
  blocks: number;
}

/** Measures a scene at the size it prints (after `scaleScene`). */
export function printMetrics(scene: Scene): PrintMetrics {
  let minFontPt = Infinity;
  const boxes = new Map<string, [number, number, number, number]>();
  for (const p of scene.primitives) {
    if (p.type === "text") minFontPt = Math.min(minFontPt, p.font.size);
    else if (p.type === "polygon" && p.role === "block-face" && p.owner !== undefined) {
      const box = boxes.get(p.owner) ?? [Infinity, Infinity, -Infinity, -Infinity];
      for (const [x, y] of p.points) {
        box[0] = Math.min(box[0], x);
        box[1] = Math.min(box[1], y);
        box[2] = Math.max(box[2], x);
        box[3] = Math.max(box[3], y);
      }
      boxes.set(p.owner, box);
    }
  }
  // A block's size is its larger printed side: its height when the figure flows right,
  // its width when slabs lie across a figure that flows down.
  const heights = [...boxes.values()].map(([l, t, r, b]) => Math.max(r - l, b - t)).sort((a, b) => a - b);
  const middle = heights.length >> 1;
  const medianBlockPt = heights.length === 0 ? 0 : heights.length % 2 ? heights[middle]! : (heights[middle - 1]! + heights[middle]!) / 2;
  const collisions = checkScene(scene).filter((p) => p.kind === "label-overlap" || p.kind === "label-on-block").length;
  return { widthPt: scene.width, heightPt: scene.height, minFontPt: minFontPt === Infinity ? 0 : minFontPt, collisions, medianBlockPt, blocks: heights.length };
}
