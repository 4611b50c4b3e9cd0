import type { Bounds, CameraOptions, Point } from "../geometry/types.js";
import type { Extent } from "./scale.js";

/** Maps a point of a block (page x, page y, receding z) to the page. */
export type Projector = (x: number, y: number, z: number) => Point;

/** The page offset of one point of receding depth in the oblique view. */
export function obliqueStep(camera: CameraOptions): Point {
  const a = (camera.angle * Math.PI) / 180;
  return [camera.depth * Math.cos(a), -camera.depth * Math.sin(a)];
}

/**
 * The projector for one block whose front face has its top-left corner at `origin`.
 * Oblique: the receding axis is a fixed direction. Perspective: it points at the
 * vanishing point and the back face shrinks towards it; each block gets the focal
 * distance that makes its receding edges as long as the oblique view's, so blocks far
 * from the vanishing point are not stretched.
 */
export function projector(camera: CameraOptions, origin: Point, extent: Extent, vanish: Point): Projector {
  const [ox, oy] = origin;
  if (camera.kind === "oblique") {
    const [rx, ry] = obliqueStep(camera);
    return (x, y, z) => [ox + x + z * rx, oy + y + z * ry];
  }
  const cx = ox + extent.x / 2;
  const cy = oy + extent.y / 2;
  const distance = Math.max(1, Math.hypot(vanish[0] - cx, vanish[1] - cy));
  const focal = distance / camera.depth;
  return (x, y, z) => {
    const px = ox + x;
    const py = oy + y;
    const k = z / (focal + z);
    return [px + (vanish[0] - px) * k, py + (vanish[1] - py) * k];
  };
}


/**
 * The page area a block may cover, before its position (and so its direction to the
 * vanishing point) is known. Oblique is exact; perspective reserves the receding
 * length on every side the vanishing point can lie.
 */
export function footprint(camera: CameraOptions, extent: Extent): Bounds {
  if (camera.kind === "oblique") {
    const [rx, ry] = obliqueStep(camera);
    const dx = extent.z * rx;
    const dy = extent.z * ry;
    return {
      left: Math.min(0, dx),
      top: Math.min(0, dy),
      right: Math.max(extent.x, extent.x + dx),
      bottom: Math.max(extent.y, extent.y + dy),
    };
  }
  const reach = extent.z * camera.depth;
  const [vx, vy] = camera.vanish;
  return {
    left: vx < 1 ? -reach : 0,
    top: vy < 1 ? -reach : 0,
    right: extent.x + (vx > 0 ? reach : 0),
    bottom: extent.y + (vy > 0 ? reach : 0),
  };
}
