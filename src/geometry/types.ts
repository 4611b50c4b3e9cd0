/**
 * The vocabulary every stage shares: points and boxes on the page (points, 1/72 in, y down),
 * colours, strokes and paints, font specifications and the camera that projects blocks.
 * It imports nothing, so any stage may use it.
 */

/** `#rrggbb`, or "none". */
export type Color = string;

export interface Stroke {
  color: Color;
  width: number;
  dash?: number[];
  join?: "miter" | "round" | "bevel";
  cap?: "butt" | "round" | "square";
}

export interface Paint {
  fill?: Color;
  fillOpacity?: number;
  stroke?: Stroke;
}

export type Point = [number, number];

export type PathCommand =
  | { op: "M"; to: Point }
  | { op: "L"; to: Point }
  | { op: "C"; c1: Point; c2: Point; to: Point }
  | { op: "Z" };

/** The font of a text primitive; `family` is a key of the font registry (`src/text/fonts.ts`). */
export interface FontSpec {
  family: string;
  weight: "normal" | "bold";
  style: "normal" | "italic";
  size: number;
}

/** An axis-aligned rectangle by corner and size. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An axis-aligned box by its four sides (local coordinates: a block's front-face top-left at 0,0). */
export interface Bounds {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** How 3D blocks are projected onto the page. */
export interface CameraOptions {
  kind: "oblique" | "perspective";
  /** Angle of the receding axis above the horizontal, in degrees. */
  angle: number;
  /** Receding length per unit of depth (0.5 is the cabinet projection). */
  depth: number;
  /** Perspective only: the vanishing point as fractions of the figure (0,0 top left; may lie outside). */
  vanish: [number, number];
}
