import { lastNamedPart } from "../graph/scoped-name.js";
import type { LayerNode } from "../graph/types.js";
import { getOp } from "../ops/index.js";
import { formatShape } from "../ops/shape.js";
import type { DrawnNode } from "./drawn.js";

/** `55×55×96`, `4096`, `T×N`: a shape the way papers write it (one helper, in ops/shape.ts). */
export { formatShape } from "../ops/shape.js";

/**
 * The spatial size of an `H×W×C` shape: `56×56`, or `570²` for a square map where labels
 * are short of room (stacked shapes), as papers write a 572² input.
 */
export function formatSpatial(shape: readonly number[], squared: boolean): string {
  return squared && shape[0] === shape[1] ? `${shape[0]}²` : `${shape[0]}×${shape[1]}`;
}

/** `23.3K`, `61.1M`: counts short enough for a figure. */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  const units: [number, string][] = [
    [1e9, "G"],
    [1e6, "M"],
    [1e3, "K"],
  ];
  for (const [size, unit] of units) {
    if (n >= size) {
      const v = n / size;
      return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1).replace(/\.0$/, "") : v.toFixed(2).replace(/\.?0+$/, "")}${unit}`;
    }
  }
  return String(n);
}

/** The short name shown under a block: the written label, else the last part of a scoped id. */
export function nameLines(node: DrawnNode): string[] {
  if (node.caption !== undefined) return [node.caption];
  const layer = node.layer.node;
  if (layer.label !== undefined && layer.label.trim() !== "") return layer.label.split("\n");
  if (node.named) return [shortName(node.named)];
  if (layer.autoNamed) return [layer.op];
  return [shortName(layer)];
}

function shortName(layer: LayerNode): string {
  // Lanes of `towers` share their written name; the lane shows by its place in the figure.
  return lastNamedPart(layer.tower ? layer.tower.base : layer.id);
}

/**
 * The op's own short description (`11×11/4`), unless the written label already says it all,
 * and `shared` for a layer that reuses another's parameters (`shares=`), so the figure says so.
 */
export function detailLine(node: DrawnNode): string | undefined {
  if (node.caption !== undefined) return node.captionDetail;
  const layer = node.layer.node;
  const shared = node.layer.shares === undefined ? undefined : layer.attrs.transposed === true ? "shared, transposed" : "shared";
  if (layer.label !== undefined && layer.label.includes("\n")) return shared;
  const describe = getOp(layer.op).describe;
  const text = describe ? describe(layer.attrs) : "";
  // An fc's `4096` already stands above the bar as its shape.
  const own = text !== "" && text !== layer.op && text !== formatShape(node.layer.shape) ? text : undefined;
  return own && shared ? `${own} · ${shared}` : own ?? shared;
}

/** Parameters of a node and everything folded into it (a conv's BatchNorm counts with it). */
export function nodeParams(node: DrawnNode, paramsOf: (id: string) => number): number {
  return node.members.reduce((sum, id) => sum + paramsOf(id), 0);
}
