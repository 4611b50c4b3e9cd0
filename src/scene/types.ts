/**
 * The scene: a flat list of 2D primitives with absolute coordinates (y grows downwards,
 * units are points, 1/72 inch). It is the single input of every renderer, so a renderer
 * never needs to know what a layer or a camera is.
 */

import type { Color, FontSpec, Paint, PathCommand, Point } from "../geometry/types.js";

export type { Color, FontSpec, Paint, PathCommand, Point, Stroke } from "../geometry/types.js";

interface PrimitiveBase {
  /** Node, edge or frame id this primitive draws; used by geometric checks and ids. */
  owner?: string;
  /** What the primitive is (`block-face`, `label-shape`, `edge`, `legend`…); ids and checks use it. */
  role: string;
}

export interface PolygonPrimitive extends PrimitiveBase {
  type: "polygon";
  points: Point[];
  paint: Paint;
}

export interface PathPrimitive extends PrimitiveBase {
  type: "path";
  commands: PathCommand[];
  paint: Paint;
  /** Arrow head at the path's end, pointing along its last segment. */
  arrow?: "end";
  /** For edges: the node ids the path connects, so checks can verify it touches both. */
  link?: { from: string; to: string };
}

export interface CirclePrimitive extends PrimitiveBase {
  type: "circle";
  center: Point;
  radius: number;
  paint: Paint;
}

export interface TextPrimitive extends PrimitiveBase {
  type: "text";
  /** One line of text; multi-line labels are several primitives. */
  text: string;
  /** Anchor point: x per `anchor`, y on the alphabetic baseline. */
  at: Point;
  anchor: "start" | "middle" | "end";
  font: FontSpec;
  color: Color;
  /** Rotation in degrees about `at`, counter-clockwise positive as on paper. */
  rotate?: number;
  /** Measured advance width in points (with the same font the renderer embeds). */
  width: number;
}

export interface ImagePrimitive extends PrimitiveBase {
  type: "image";
  /** PNG bytes. */
  png: Uint8Array;
  /** Where the image's unit square lands: the images' corners (top-left, top-right, bottom-left) so thumbnails can sit on skewed faces. */
  corners: [Point, Point, Point];
}

export type Primitive = PolygonPrimitive | PathPrimitive | CirclePrimitive | TextPrimitive | ImagePrimitive;

export interface Scene {
  width: number;
  height: number;
  /** Background colour, or "none" for transparent. */
  background: Color;
  /** Document title (SVG `<title>`, PDF Title). */
  title?: string;
  /** Painter's order: later primitives cover earlier ones. */
  primitives: Primitive[];
}
