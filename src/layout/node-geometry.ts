import type { RenderOptions } from "../options/figure.js";
import type { Bounds, Point } from "../geometry/types.js";
import type { Theme } from "../themes/index.js";
import { footprint, obliqueStep } from "./camera.js";
import type { DrawnNode } from "./drawn.js";
import { detailLine, formatCount, formatShape, formatSpatial, nameLines } from "./labels.js";
import { measuredLabel } from "./measured.js";
import { blockExtent, type Extent } from "./scale.js";
import type { PlacedLabel } from "./types.js";

/** A node's drawing in local coordinates: the front face's top-left corner is (0, 0). */
export interface NodeGeometry {
  extent: Extent;
  /** Block and labels, with a margin: the box ELK places. */
  bounds: Bounds;
  labels: PlacedLabel[];
  /** Where edges attach on the box's border: in, out, and the side entry of shortcuts. */
  ports: { in: Point; out: Point; side: Point };
}

const GAP = 3;
const MARGIN = 2;

export function labelBox(l: PlacedLabel): Bounds {
  const left = l.anchor === "start" ? l.at[0] : l.anchor === "end" ? l.at[0] - l.width : l.at[0] - l.width / 2;
  return { left, right: left + l.width, top: l.at[1] - l.ascent, bottom: l.at[1] + l.descent };
}

function union(a: Bounds, b: Bounds): Bounds {
  return { left: Math.min(a.left, b.left), top: Math.min(a.top, b.top), right: Math.max(a.right, b.right), bottom: Math.max(a.bottom, b.bottom) };
}

/** Stacks lines downwards from `top`, each centred on (or starting at) `x`. */
function stack(lines: PlacedLabel[], x: number, top: number, anchor: PlacedLabel["anchor"]): number {
  let y = top;
  for (const l of lines) {
    l.at = [x, y + l.ascent];
    l.anchor = anchor;
    y += l.ascent + l.descent;
  }
  return y;
}

/** The 3D centre of a block projected to the page: edges attach at its height (or x). */
function centre(options: RenderOptions, extent: Extent): Point {
  if (options.camera.kind === "perspective") return [extent.x / 2, extent.y / 2];
  const [rx, ry] = obliqueStep(options.camera);
  return [extent.x / 2 + (extent.z * rx) / 2, extent.y / 2 + (extent.z * ry) / 2];
}

/** A block's labels by where they sit: above it (shape), under its channel axis, under it (name, detail, params). */
export interface BlockLabels {
  shape: PlacedLabel[];
  channels: PlacedLabel[];
  under: PlacedLabel[];
}

/**
 * The shape as written on a block, a line each. Terse labels write the spatial size only
 * where it changes: a block of the same height and width as its input shows its channel
 * count. Stacked shapes put the spatial size over the channels, half as wide.
 */
function shapeLines(node: DrawnNode, { terse, stackShapes }: RenderOptions): string[] {
  const shape = node.layer.shape;
  const input = node.layer.inputShapes[0];
  if (shape.length !== 3) return [formatShape(shape)];
  if (terse && input?.length === 3 && input[0] === shape[0] && input[1] === shape[1]) return [String(shape[2])];
  return stackShapes ? [formatSpatial(shape, true), String(shape[2])] : [formatShape(shape)];
}

export function blockLabels(node: DrawnNode, theme: Theme, options: RenderOptions, params: number): BlockLabels {
  const shows = new Set(options.labels);
  const shape = shows.has("shape") ? shapeLines(node, options).map((text) => measuredLabel(theme, "label-shape", "shape", text)) : [];
  const c = node.layer.shape.length === 3 ? node.layer.shape[2]! : undefined;
  const channels = shows.has("channels") && c !== undefined ? [measuredLabel(theme, "label-channels", "channels", String(c))] : [];
  const under: PlacedLabel[] = [];
  if (shows.has("name")) {
    for (const text of nameLines(node)) under.push(measuredLabel(theme, "label-name", "name", text));
    const detail = options.terse ? undefined : detailLine(node);
    if (detail !== undefined) under.push(measuredLabel(theme, "label-detail", "detail", detail));
  }
  if (shows.has("params") && params > 0) under.push(measuredLabel(theme, "label-params", "detail", `${formatCount(params)} params`));
  return { shape, channels, under };
}

/** Height of a stack of lines. */
export function stackHeight(lines: PlacedLabel[]): number {
  return lines.reduce((h, l) => h + l.ascent + l.descent, 0);
}

/**
 * Room around the block kept free for labels that a run of blocks prints once (see
 * runs.ts), in points beyond the block: above and below it, or beside it when flowing down.
 */
export interface Reserve {
  above: number;
  below: number;
  right: number;
  left: number;
  /** Along the flow: extra room before the block and after it (a run's label wider than its blocks). */
  lead?: number;
  trail?: number;
}

/** The label gap between a block and its text. */
export const LABEL_GAP = GAP;

/**
 * Sizes a block: its projected cuboid plus labels measured with the theme's real font.
 * `labels` defaults to all of the block's own; a block in a run passes only those it
 * prints itself and the room the run's shared labels need.
 */
export function blockGeometry(node: DrawnNode, theme: Theme, options: RenderOptions, params: number, own?: BlockLabels, reserve?: Reserve): NodeGeometry {
  const extent = blockExtent(node.layer.shape, options.direction, options.scale, options.blockSize);
  const block = footprint(options.camera, extent);
  const [cx, cy] = centre(options, extent);
  const { shape, channels, under } = own ?? blockLabels(node, theme, options, params);
  const labels: PlacedLabel[] = [];
  if (options.direction === "right") {
    // Shape above the top face; channel count under the front edge (the channel axis), then the name.
    let above = block.top - GAP;
    for (const l of [...shape].reverse()) {
      l.at = [(block.left + block.right) / 2, above - l.descent];
      above -= l.ascent + l.descent;
    }
    const bottom = stack(channels, extent.x / 2, block.bottom + GAP, "middle");
    stack(under, extent.x / 2, bottom + (channels.length > 0 ? 1 : 0), "middle");
  } else {
    // Flowing down, labels sit to the right: name first, then the shape; channels beside the channel axis.
    const text = [...under, ...shape];
    const height = text.reduce((h, l) => h + l.ascent + l.descent, 0);
    stack(text, block.right + GAP * 2, cy - height / 2, "start");
    stack(channels, block.left - GAP, extent.y / 2 - ((channels[0]?.ascent ?? 0) + (channels[0]?.descent ?? 0)) / 2, "end");
  }
  labels.push(...shape, ...channels, ...under);
  if (node.repeat !== undefined) {
    const badge = measuredLabel(theme, "badge", "badge", `×${node.repeat}`);
    badge.anchor = "start";
    badge.at = [block.right + GAP, block.top + badge.ascent];
    labels.push(badge);
  }
  let bounds = block;
  for (const l of labels) bounds = union(bounds, labelBox(l));
  if (reserve) {
    const right = options.direction === "right";
    const lead = reserve.lead ?? 0;
    const trail = reserve.trail ?? 0;
    bounds = union(bounds, {
      left: block.left - (reserve.left > 0 ? GAP + reserve.left : 0) - (right ? lead : 0),
      right: block.right + (reserve.right > 0 ? 2 * GAP + reserve.right : 0) + (right ? trail : 0),
      top: block.top - (reserve.above > 0 ? GAP + reserve.above : 0) - (right ? 0 : lead),
      bottom: block.bottom + (reserve.below > 0 ? GAP + reserve.below : 0) + (right ? 0 : trail),
    });
  }
  bounds = { left: bounds.left - MARGIN, top: bounds.top - MARGIN, right: bounds.right + MARGIN, bottom: bounds.bottom + MARGIN };
  const ports =
    options.direction === "right"
      ? { in: [bounds.left, cy] as Point, out: [bounds.right, cy] as Point, side: [cx, bounds.top] as Point }
      : { in: [cx, bounds.top] as Point, out: [cx, bounds.bottom] as Point, side: [bounds.left, cy] as Point };
  return { extent, bounds, labels, ports };
}

/** Radius of the ⊕ circle: a little larger than the theme's merge glyph. */
export function sumRadius(theme: Theme): number {
  return theme.text.merge.size * 0.62;
}

/**
 * The bands a ⊕ carries (the ReLU after a residual addition): slabs just after the circle
 * along the flow, as tall as the circle and as wide as a block's band, so the arrow leaves
 * through them. Offsets from the circle's bounding square, along the flow.
 */
export function sumBandSpan(theme: Theme, bands: number): { from: number; width: number; end: number } {
  const r = sumRadius(theme);
  const width = r * 0.42;
  const from = 2 * r + r * 0.18;
  return { from, width, end: bands === 0 ? 2 * r : from + width * bands };
}

/** Sizes an `add` node: a ⊕ circle and its bands, shortcuts enter from above (or from the left when flowing down). */
export function sumGeometry(theme: Theme, options: RenderOptions, repeat?: number, bands = 0): NodeGeometry {
  const r = sumRadius(theme);
  const extent: Extent = { x: 2 * r, y: 2 * r, z: 0 };
  const labels: PlacedLabel[] = [];
  const along = sumBandSpan(theme, bands).end;
  const right = options.direction === "right";
  let bounds: Bounds = { left: -MARGIN, top: -MARGIN, right: (right ? along : 2 * r) + MARGIN, bottom: (right ? 2 * r : along) + MARGIN };
  if (repeat !== undefined) {
    const badge = measuredLabel(theme, "badge", "badge", `×${repeat}`);
    badge.anchor = "start";
    badge.at = [(right ? along : 2 * r) + GAP, badge.ascent];
    labels.push(badge);
    bounds = union(bounds, labelBox(badge));
  }
  const ports = right
    ? { in: [bounds.left, r] as Point, out: [bounds.right, r] as Point, side: [r, bounds.top] as Point }
    : { in: [r, bounds.top] as Point, out: [r, bounds.bottom] as Point, side: [bounds.left, r] as Point };
  return { extent, bounds, labels, ports };
}
