import type { Shape } from "../graph/types.js";
import type { OpCategory } from "../ops/types.js";
import type { RenderOptions } from "../options/figure.js";
import type { Theme } from "../themes/types.js";
import type { Point, Rect } from "../geometry/types.js";
import type { Band } from "./drawn.js";
import type { Extent } from "./scale.js";

export type { Rect } from "../geometry/types.js";

/** Which text style of the theme a label uses. */
export type LabelStyle = keyof Theme["text"];

/** A measured line of text at its final place (baseline anchor, absolute points). */
export interface PlacedLabel {
  role: string;
  text: string;
  at: Point;
  anchor: "start" | "middle" | "end";
  style: LabelStyle;
  width: number;
  ascent: number;
  descent: number;
  rotate?: number;
}

export interface LaidOutNode {
  id: string;
  /** A tensor block, or an `add` drawn as ⊕. */
  kind: "block" | "sum";
  op: string;
  /** What the legend calls the layer's kind: its op, or a stand-in's own type (an opaque layer's `Einsum`). */
  legendName: string;
  category: OpCategory;
  /** Layer ids this node stands for (itself and what folded into it). */
  members: string[];
  /**
   * The analysed layers the block or ⊕ itself shows; each band and each edge declares
   * its own (`Band.standsFor`, `LaidOutEdge.standsFor`), and together they cover the network.
   */
  standsFor: string[];
  bands: Band[];
  shape: Shape;
  /** Kernel and stride of the layer, for pyramids. */
  kernel?: [number, number];
  /** The spatial size of the layer's first input, for pyramids. */
  inputSpatial?: [number, number];
  repeat?: number;
  /** The layout box: block plus labels. */
  box: Rect;
  /** Top-left corner of the block's front face (of the ⊕ circle's bounding square). */
  origin: Point;
  extent: Extent;
  labels: PlacedLabel[];
  frame?: string;
}

export interface LaidOutEdge {
  id: string;
  from: string;
  to: string;
  shortcut: boolean;
  /** Pass-through layers (flatten, identity) this arrow is all there is to draw of. */
  standsFor: string[];
  /** Polyline from the source box to the target box, absolute; the scene trims it to the blocks. */
  points: Point[];
}

export interface LaidOutFrame {
  id: string;
  label: PlacedLabel;
  box: Rect;
  /** Nesting depth, 0 for outermost. */
  depth: number;
  repeat?: number;
}

/**
 * A blocks figure positioned, with the network it shows and the options it was laid out
 * with: what scene/blocks.ts draws. Plain data, serialisable. The laid-out figure of any
 * style, tagged by style, is styles/index.ts's `LaidOutGraph`; its blocks member carries
 * the nodes, edges and frames below as its `figure`.
 */
export interface LaidOutBlocks {
  network: { name: string; title?: string };
  options: RenderOptions;
  width: number;
  height: number;
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
  frames: LaidOutFrame[];
  /** The theme laid out with, when the request gave one instead of a name (print sizing, another font). */
  theme?: Theme;
}

/** The blocks figure under its former name, which scene/blocks.ts still reads it by. */
export type LaidOutGraph = LaidOutBlocks;
