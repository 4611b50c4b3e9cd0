/**
 * Labels beside perspective blocks. Before the blocks are placed, the direction to the
 * vanishing point is unknown, so each block's box reserves the receding length on every
 * side the vanishing point may lie (`footprint`); once placed, the block's true outline
 * is known, and the labels that were set off the reserved edge move in to the true one,
 * as close as the oblique camera puts them. The boxes stay: nothing else moves.
 */
import type { Bounds, CameraOptions, Point } from "../geometry/types.js";
import { footprint, projector } from "./camera.js";
import { labelBox } from "./node-geometry.js";
import type { Extent } from "./scale.js";
import type { PlacedLabel } from "./types.js";

export interface PlacedCuboid {
  origin: Point;
  extent: Extent;
}

function reserved(camera: CameraOptions, block: PlacedCuboid): Bounds {
  const f = footprint(camera, block.extent);
  const [x, y] = block.origin;
  return { left: x + f.left, right: x + f.right, top: y + f.top, bottom: y + f.bottom };
}

/** The block's outline on the page: its eight corners through the camera. */
function drawn(camera: CameraOptions, block: PlacedCuboid, vanish: Point): Bounds {
  const project = projector(camera, block.origin, block.extent, vanish);
  const { x, y, z } = block.extent;
  const corners = [0, x].flatMap((a) => [0, y].flatMap((b) => [0, z].map((c) => project(a, b, c))));
  return {
    left: Math.min(...corners.map((p) => p[0])),
    right: Math.max(...corners.map((p) => p[0])),
    top: Math.min(...corners.map((p) => p[1])),
    bottom: Math.max(...corners.map((p) => p[1])),
  };
}

function union(boxes: Bounds[]): Bounds {
  return {
    left: Math.min(...boxes.map((b) => b.left)),
    right: Math.max(...boxes.map((b) => b.right)),
    top: Math.min(...boxes.map((b) => b.top)),
    bottom: Math.max(...boxes.map((b) => b.bottom)),
  };
}

/**
 * Moves the labels of one block, or of a run of blocks that shares them, from the edges
 * their boxes reserved to the edges the blocks are drawn with: a label above moves down by
 * what the reservation added above, one below up, one to the right left, one to the left right.
 */
export function settleLabels(labels: PlacedLabel[], blocks: PlacedCuboid[], camera: CameraOptions, vanish: Point): PlacedLabel[] {
  if (camera.kind !== "perspective" || blocks.length === 0) return labels;
  const room = union(blocks.map((b) => reserved(camera, b)));
  const outline = union(blocks.map((b) => drawn(camera, b, vanish)));
  const eps = 0.01;
  return labels.map((l) => {
    const box = labelBox(l);
    let [dx, dy] = [0, 0];
    if (box.bottom <= room.top + eps) dy = outline.top - room.top;
    else if (box.top >= room.bottom - eps) dy = outline.bottom - room.bottom;
    else if (box.left >= room.right - eps) dx = outline.right - room.right;
    else if (box.right <= room.left + eps) dx = outline.left - room.left;
    return dx === 0 && dy === 0 ? l : { ...l, at: [l.at[0] + dx, l.at[1] + dy] as Point };
  });
}
