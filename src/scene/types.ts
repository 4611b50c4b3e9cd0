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
  /**
   * The analysed layer this primitive draws, by qualified name (`layer1.0.conv1`): editable
   * outputs put everything a layer draws in one group. Absent for edges, frames, legend, title.
   */
  layer?: string;
  /** For a layer drawn on another's block (a folded ReLU's band): that block's layer, whose group holds this one's. */
  foldedInto?: string;
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

/** What a layer's group says about it (SVG data attributes, a PowerPoint shape's description). */
export interface SceneLayer {
  /** The qualified name, exactly as the network names it. */
  name: string;
  op: string;
  category: string;
  shape: number[];
  params: number;
  macs: number;
}

export interface Scene {
  width: number;
  height: number;
  /** Background colour, or "none" for transparent. */
  background: Color;
  /** Document title (SVG `<title>`, PDF Title). */
  title?: string;
  /** Painter's order: later primitives cover earlier ones. */
  primitives: Primitive[];
  /** The analysed layers of the network drawn, in network order: what the primitives' `layer` names. */
  layers?: SceneLayer[];
}
