/**
 * Primitives of the Transformer block diagram: the frames of repeated layers with ×N, the
 * stream, residual and cross-attention arrows, then each layer's shapes and text together
 * (rounded boxes in their category's colour, ⊕, the positional encoding's sine wave, the
 * input image's patch grid, token vectors with ⋯ for a long sequence), so editable outputs
 * group them by layer.
 */

import type { PathCommand, Point } from "../../geometry/types.js";
import type { TransformerFigure, TransformerPart } from "../../layout/transformer/index.js";
import type { Theme } from "../../themes/types.js";
import { shade } from "../color.js";
import { labelText } from "../label.js";
import { frameOutline } from "../shapes.js";
import type { Primitive } from "../types.js";

const line = (points: Point[]): PathCommand[] => points.map((to, i) => ({ op: i === 0 ? "M" : "L", to }));

/** One period of a sine across the circle, as cubic pieces. */
function sineWave([cx, cy]: Point, r: number): PathCommand[] {
  const w = r * 1.3;
  const h = r * 0.45;
  const x0 = cx - w / 2;
  const q = w / 4;
  // A quarter period of sin is close to a cubic with control points at 0.36 and 0.64 of it (scaled).
  return [
    { op: "M", to: [x0, cy] },
    { op: "C", c1: [x0 + q * 0.36, cy - h * 0.56], c2: [x0 + q * 0.64, cy - h], to: [x0 + q, cy - h] },
    { op: "C", c1: [x0 + q * 1.36, cy - h], c2: [x0 + q * 1.64, cy - h * 0.56], to: [x0 + 2 * q, cy] },
    { op: "C", c1: [x0 + q * 2.36, cy + h * 0.56], c2: [x0 + q * 2.64, cy + h], to: [x0 + 3 * q, cy + h] },
    { op: "C", c1: [x0 + q * 3.36, cy + h], c2: [x0 + q * 3.64, cy + h * 0.56], to: [x0 + 4 * q, cy] },
  ];
}

/** A learned table of positions: three rows of it across the circle. */
function tableRows([cx, cy]: Point, r: number): PathCommand[] {
  const half = r * 0.55;
  return [-1, 0, 1].flatMap((k) => line([[cx - half, cy + k * r * 0.4], [cx + half, cy + k * r * 0.4]]));
}

function partPrimitives(part: TransformerPart, theme: Theme): Primitive[] {
  const outline = { color: theme.outline.color, width: theme.outline.width };
  const edge = { color: theme.edge.color, width: theme.edge.width, join: "round" as const };
  switch (part.type) {
    case "frame":
      return [{ type: "path", role: "frame", owner: part.owner, commands: frameOutline(part.rect, 6), paint: { fill: theme.frame.fill, stroke: { color: theme.frame.color, width: theme.frame.width, dash: theme.frame.dash } } }];
    case "arrow":
      return [{ type: "path", role: "edge", owner: part.owner, commands: line(part.points), paint: { stroke: edge }, arrow: "end" }];
    case "dot":
      return [{ type: "circle", role: "edge-dot", owner: part.owner, center: part.center, radius: theme.edge.width * 1.6, paint: { fill: theme.edge.color } }];
    case "box":
      return [{ type: "path", role: "transformer-box", owner: part.owner, layer: part.layer, commands: frameOutline(part.rect, Math.min(4, part.rect.height / 4)), paint: { fill: theme.categories[part.category].fill, stroke: outline } }];
    case "sum": {
      const arm = part.radius * 0.55;
      const [x, y] = part.center;
      return [
        { type: "circle", role: "sum", owner: part.owner, layer: part.layer, center: part.center, radius: part.radius, paint: { fill: theme.categories.merge.fill, stroke: outline } },
        { type: "path", role: "sum-sign", owner: part.owner, layer: part.layer, commands: [...line([[x - arm, y], [x + arm, y]]), ...line([[x, y - arm], [x, y + arm]])], paint: { stroke: { ...outline, width: outline.width * 1.4 } } },
      ];
    }
    case "wave":
      return [
        { type: "circle", role: "positional-encoding", owner: part.owner, layer: part.layer, center: part.center, radius: part.radius, paint: { fill: theme.categories[part.category].fill, stroke: outline } },
        { type: "path", role: "positional-wave", owner: part.owner, layer: part.layer, commands: part.learned ? tableRows(part.center, part.radius) : sineWave(part.center, part.radius), paint: { stroke: { ...outline, width: outline.width * 1.4 } } },
      ];
    case "image": {
      const { x, y, width, height } = part.rect;
      const grid: PathCommand[] = [];
      for (let k = 1; k < part.grid; k++) {
        grid.push(...line([[x + (k * width) / part.grid, y], [x + (k * width) / part.grid, y + height]]));
        grid.push(...line([[x, y + (k * height) / part.grid], [x + width, y + (k * height) / part.grid]]));
      }
      return [
        { type: "polygon", role: "input-image", owner: part.owner, layer: part.layer, points: [[x, y], [x + width, y], [x + width, y + height], [x, y + height]], paint: { fill: theme.categories[part.category].fill, stroke: outline } },
        { type: "path", role: "patch-grid", owner: part.owner, layer: part.layer, commands: grid, paint: { stroke: { ...outline, width: outline.width * 0.8 } } },
      ];
    }
    case "cell": {
      const { x, y, width, height } = part.rect;
      const fill = theme.categories[part.category].fill;
      return [{ type: "polygon", role: "token", owner: part.owner, layer: part.layer, points: [[x, y], [x + width, y], [x + width, y + height], [x, y + height]], paint: { fill: part.strong ? shade(fill, 0.72) : fill, stroke: outline } }];
    }
    case "ellipsis":
      return [-1, 0, 1].map((k): Primitive => ({ type: "circle", role: "ellipsis", owner: part.owner, layer: part.layer, center: [part.center[0] + k * part.spacing, part.center[1]], radius: Math.max(0.5, part.spacing / 4), paint: { fill: theme.outline.color } }));
    case "label": {
      const text = labelText(part.label, theme, part.owner);
      return [part.layer === undefined ? text : { ...text, layer: part.layer }];
    }
  }
}

export function drawTransformer(figure: TransformerFigure, theme: Theme): Primitive[] {
  return figure.parts.flatMap((part) => partPrimitives(part, theme));
}
