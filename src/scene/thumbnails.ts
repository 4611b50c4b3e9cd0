import { channelMoments, finiteRange } from "../engine/kernels/stats.js";
import { chwFromShape, sameShape, type Tensor } from "../engine/tensor.js";
import type { Projector } from "../layout/camera.js";
import type { LaidOutNode } from "../layout/types.js";
import { signedArea } from "./cuboid.js";
import { encodeRgbPng } from "../image/png.js";
import type { Point } from "../geometry/types.js";
import type { ImagePrimitive } from "./types.js";

export type Colormap = "grey" | "viridis" | "diverging";
export const COLORMAPS: readonly Colormap[] = ["grey", "viridis", "diverging"];

export interface ThumbnailOptions {
  colormap: Colormap;
  /** A fixed channel, or the channel with the largest variance. */
  channel?: number;
  /** Show a k×k grid of the highest-variance channels instead of one. */
  grid: number;
  /** Value range: each layer's own, or one range for the whole network. */
  range: { min: number; max: number } | "layer";
  /** The attention head an attention layer shows; absent, the mean of its heads. */
  head?: number;
}

/** matplotlib's viridis at ten evenly spaced stops (its published key colours). */
const VIRIDIS = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"].map(hexToRgb);
/** ColorBrewer RdBu ends around white: negative red, positive blue, zero white (CNN Explainer's reading). */
const NEGATIVE = hexToRgb("#b2182b");
const POSITIVE = hexToRgb("#2166ac");

function hexToRgb(hex: string): [number, number, number] {
  return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
}

function mix(a: readonly number[], b: readonly number[], t: number): [number, number, number] {
  return [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * t)) as [number, number, number];
}

/** The colour of `v` in [min, max] under a colour map; diverging maps centre on zero. */
function colour(value: number, min: number, max: number, map: Colormap): [number, number, number] {
  // An overflowed run (a weight of 3e38) leaves ±Infinity, which the clamps below place at the ends, and NaN, drawn as the low end.
  const v = Number.isNaN(value) ? min : value;
  if (map === "diverging") {
    const bound = Math.max(Math.abs(min), Math.abs(max)) || 1;
    const t = Math.max(-1, Math.min(1, v / bound));
    return t < 0 ? mix([255, 255, 255], NEGATIVE, -t) : mix([255, 255, 255], POSITIVE, t);
  }
  const t = max > min ? Math.max(0, Math.min(1, (v - min) / (max - min))) : 0.5;
  if (map === "grey") {
    const g = Math.round(t * 255);
    return [g, g, g];
  }
  const at = t * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(at));
  return mix(VIRIDIS[i]!, VIRIDIS[i + 1]!, at - i);
}

// A figure is laid out several times (--width tries arrangements), each drawing every
// thumbnail again: the per-tensor statistics below are computed once per output.
const ranges = new WeakMap<Float32Array, { min: number; max: number }>();
const channelOrders = new WeakMap<Float32Array, number[]>();

/** The finite values' range (0 to 0 when there are none), so that one Infinity does not wash out every colour. */
export function valueRange(t: Tensor): { min: number; max: number } {
  const known = ranges.get(t.data);
  if (known) return known;
  const { min, max } = finiteRange(t.data);
  const range = min <= max ? { min, max } : { min: 0, max: 0 };
  ranges.set(t.data, range);
  return range;
}

/** Channels of a `[C, H, W]` tensor ordered by decreasing variance (ties by index, for determinism). */
function channelsByVariance(t: Tensor): number[] {
  const known = channelOrders.get(t.data);
  if (known) return known;
  const [c, h, w] = t.shape as [number, number, number];
  const n = h * w;
  const moments = channelMoments(t.data, c, n);
  const variance = Array.from({ length: c }, (_, k) => {
    const sum = moments[2 * k]!;
    const squares = moments[2 * k + 1]!;
    const spread = squares / n - (sum / n) ** 2;
    // An overflowed channel (NaN) sorts last, keeping the order a consistent one.
    return Number.isNaN(spread) ? -Infinity : spread;
  });
  const order = variance.map((v, k) => [v, k] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, k]) => k);
  channelOrders.set(t.data, order);
  return order;
}

/** Box-filter resampling of a `h × w` map to `th × tw` (each target pixel averages the source pixels it covers). */
function resample(map: Float32Array, h: number, w: number, th: number, tw: number): Float32Array {
  if (th === h && tw === w) return map;
  const out = new Float32Array(th * tw);
  for (let y = 0; y < th; y++) {
    const y0 = Math.floor((y * h) / th);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * h) / th));
    for (let x = 0; x < tw; x++) {
      const x0 = Math.floor((x * w) / tw);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * w) / tw));
      let sum = 0;
      for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) sum += map[yy * w + xx]!;
      out[y * tw + x] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

function encode(values: Float32Array, width: number, height: number, range: { min: number; max: number }, map: Colormap): Uint8Array {
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = colour(values[i]!, range.min, range.max, map);
    pixels[i * 3] = r;
    pixels[i * 3 + 1] = g;
    pixels[i * 3 + 2] = b;
  }
  return encodeRgbPng(pixels, width, height);
}

/**
 * The PNG of one layer's activation: one channel (or a grid of channels) of a feature
 * map at no more than `maxPixels` a side, or a vector as a vertical strip of bars.
 */
export function thumbnailPng(output: Tensor, options: ThumbnailOptions, maxPixels: [number, number]): Uint8Array {
  const range = options.range === "layer" ? valueRange(output) : options.range;
  if (output.shape.length !== 3) {
    const n = output.data.length;
    const rows = Math.max(1, Math.min(n, maxPixels[1]));
    return encode(resample(output.data, n, 1, rows, 1), 1, rows, range, options.colormap);
  }
  const [c, h, w] = output.shape as [number, number, number];
  const k = Math.max(1, Math.min(options.grid, Math.floor(Math.sqrt(c))));
  const order = options.channel !== undefined ? [Math.min(options.channel, c - 1)] : channelsByVariance(output);
  const cellH = Math.max(1, Math.min(h, Math.floor(maxPixels[1] / k)));
  const cellW = Math.max(1, Math.min(w, Math.floor(maxPixels[0] / k)));
  const gap = k > 1 ? 1 : 0;
  const height = k * cellH + (k - 1) * gap;
  const width = k * cellW + (k - 1) * gap;
  const tiled = new Float32Array(width * height).fill(range.min);
  for (let cell = 0; cell < k * k && cell < order.length; cell++) {
    const channel = order[cell]!;
    const cellMap = resample(output.data.subarray(channel * h * w, (channel + 1) * h * w), h, w, cellH, cellW);
    const top = Math.floor(cell / k) * (cellH + gap);
    const left = (cell % k) * (cellW + gap);
    for (let y = 0; y < cellH; y++) tiled.set(cellMap.subarray(y * cellW, (y + 1) * cellW), (top + y) * width + left);
  }
  return encode(tiled, width, height, range, options.colormap);
}

/**
 * The PNG of an attention layer's weights `[H, T, S]`: one head's (the last when `head` is
 * past it, as `channel` is) or the heads' mean, a `T × S` map with the queries down and the
 * keys across, at no more than `maxPixels` a side. Weights are probabilities, so a network-wide
 * range is 0 to 1.
 */
export function attentionPng(weights: Tensor, options: ThumbnailOptions, maxPixels: [number, number]): Uint8Array {
  const [heads, t, s] = weights.shape as [number, number, number];
  const size = t * s;
  let map: Float32Array;
  if (options.head !== undefined) {
    const head = Math.min(options.head, heads - 1);
    map = weights.data.subarray(head * size, (head + 1) * size);
  } else {
    map = new Float32Array(size);
    for (let h = 0; h < heads; h++) for (let i = 0; i < size; i++) map[i]! += weights.data[h * size + i]! / heads;
  }
  const range = options.range === "layer" ? valueRange({ shape: [t, s], data: map }) : { min: 0, max: 1 };
  const rows = Math.max(1, Math.min(t, maxPixels[1]));
  const cols = Math.max(1, Math.min(s, maxPixels[0]));
  return encode(resample(map, t, s, rows, cols), cols, rows, range, options.colormap);
}

/**
 * Where a block shows its activation: for a feature map (and an attention map, on a
 * sequence's block), the visible face spanned by the two dimensions across the flow
 * (rows down, columns receding); for a vector, the front face. Returns the face's
 * top-left, top-right and bottom-left corners on the page, or nothing when that face is
 * turned away from the viewer.
 */
export function thumbnailFace(node: LaidOutNode, project: Projector, direction: "right" | "down", map = node.shape.length === 3): [Point, Point, Point] | undefined {
  const { x, y, z } = node.extent;
  const candidates: [number, number, number][][] =
    !map
      ? [[[0, 0, 0], [x, 0, 0], [0, y, 0], [x, y, 0]]]
      : direction === "right"
        ? [
            [[x, 0, 0], [x, 0, z], [x, y, 0], [x, y, z]],
            [[0, 0, z], [0, 0, 0], [0, y, z], [0, y, 0]],
          ]
        : [
            [[0, 0, z], [x, 0, z], [0, 0, 0], [x, 0, 0]],
            [[0, y, 0], [x, y, 0], [0, y, z], [x, y, z]],
          ];
  for (const [tl, tr, bl, br] of candidates) {
    const corners = [tl!, tr!, br!, bl!].map(([a, b, c]) => project(a, b, c));
    if (signedArea(corners) > 1e-6) return [corners[0]!, corners[1]!, corners[3]!];
  }
  return undefined;
}

/** How many pixels a face can show at 300 dpi (points are 1/72 in). */
export function facePixels([tl, tr, bl]: [Point, Point, Point]): [number, number] {
  const dpp = 300 / 72;
  return [Math.max(1, Math.ceil(Math.hypot(tr[0] - tl[0], tr[1] - tl[1]) * dpp)), Math.max(1, Math.ceil(Math.hypot(bl[0] - tl[0], bl[1] - tl[1]) * dpp))];
}

export function thumbnailPrimitive(owner: string, png: Uint8Array, corners: [Point, Point, Point]): ImagePrimitive {
  return { type: "image", role: "thumbnail", owner, png, corners };
}

/** Real activations to draw on the blocks: every layer's output by id, and how to show them. */
export interface Activations {
  outputs: ReadonlyMap<string, Tensor>;
  /** Each attention layer's weights `[H, T, S]` by id, which its block shows instead of its output. */
  attention?: ReadonlyMap<string, Tensor>;
  options: ThumbnailOptions;
}

/**
 * The thumbnail of a drawn block: an attention layer's weights, or the output of the last
 * layer folded into it (after its activation, as CNN Explainer shows it), on the block's map face.
 */
export function activationThumbnail(node: LaidOutNode, project: Projector, direction: "right" | "down", activations: Activations): ImagePrimitive | undefined {
  const attending = node.members.find((m) => activations.attention?.has(m));
  if (attending !== undefined) {
    const corners = thumbnailFace(node, project, direction, true);
    return corners && thumbnailPrimitive(node.id, attentionPng(activations.attention!.get(attending)!, activations.options, facePixels(corners)), corners);
  }
  // Layers folded into the arrow after the block (flatten) have another shape: skip them.
  const shape = chwFromShape(node.shape);
  const id = [...node.members].reverse().find((m) => {
    const output = activations.outputs.get(m);
    return output !== undefined && sameShape(output.shape, shape);
  });
  if (id === undefined) return undefined;
  const corners = thumbnailFace(node, project, direction);
  if (!corners) return undefined;
  return thumbnailPrimitive(node.id, thumbnailPng(activations.outputs.get(id)!, activations.options, facePixels(corners)), corners);
}
