import type { Shape } from "../graph/types.js";
import type { Direction, ScaleKind } from "../options/figure.js";

/** Extents of a block in points: x and y on the page, z along the receding axis. */
export interface Extent {
  x: number;
  y: number;
  z: number;
}

/** A value range drawn onto a length range; values outside the range are clamped. */
interface Ramp {
  /** The largest value the ramp distinguishes; larger values draw at `max`. */
  top: number;
  min: number;
  max: number;
}

// Spatial sizes up to 512 pixels, channels up to 2048, vector lengths up to 4096:
// the ranges of the networks people draw. Lengths are points on paper.
const SPATIAL: Ramp = { top: 512, min: 10, max: 132 };
const CHANNELS: Ramp = { top: 2048, min: 4, max: 56 };
const VECTOR: Ramp = { top: 4096, min: 12, max: 150 };
/** The cross-section of a vector bar: thin, as in the AlexNet figure. */
const BAR = 7;

/**
 * Maps a count onto a length. `log` follows NN-SVG (lengths grow with ln v, so a
 * 1000-channel layer does not dwarf the figure); `sqrt` and `linear` show true ratios
 * more strongly. Every scale hits `min` at 1 and `max` at the ramp's top.
 */
export function scaleLength(value: number, scale: ScaleKind, ramp: Ramp): number {
  const v = Math.max(1, Math.min(value, ramp.top));
  let t: number;
  if (scale === "log") t = Math.log(v) / Math.log(ramp.top);
  else if (scale === "sqrt") t = (Math.sqrt(v) - 1) / (Math.sqrt(ramp.top) - 1);
  else t = (v - 1) / (ramp.top - 1);
  return ramp.min + (ramp.max - ramp.min) * t;
}

/**
 * The cuboid of a tensor. Channels run along the flow (so a deep layer is a thick slab,
 * as in PlotNeuralNet), height stands across it and width recedes. Vectors are thin bars
 * standing across the flow; sequences are bars receding by their length. `size` scales
 * the whole block (the figure option `blockSize`), to print blocks larger beside their labels.
 */
export function blockExtent(shape: Shape, direction: Direction, scale: ScaleKind, size = 1): Extent {
  let flow: number;
  let across: number;
  let recede: number;
  if (shape.length === 3) {
    const [h, w, c] = shape as [number, number, number];
    flow = scaleLength(c, scale, CHANNELS);
    across = scaleLength(h, scale, SPATIAL);
    recede = scaleLength(w, scale, SPATIAL);
  } else if (shape.length === 2) {
    const [t, n] = shape as [number, number];
    flow = BAR;
    across = scaleLength(n, scale, VECTOR);
    recede = scaleLength(t, scale, SPATIAL);
  } else {
    const n = shape.reduce((a, b) => a * b, 1);
    flow = BAR;
    across = scaleLength(n, scale, VECTOR);
    recede = BAR;
  }
  flow *= size;
  across *= size;
  recede *= size;
  return direction === "right" ? { x: flow, y: across, z: recede } : { x: across, y: flow, z: recede };
}
