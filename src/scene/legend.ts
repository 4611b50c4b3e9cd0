import { findOp } from "../ops/index.js";
import type { OpCategory } from "../ops/types.js";
import { obliqueStep } from "../layout/camera.js";
import type { CameraOptions } from "../options/figure.js";
import { fontOf, type Theme } from "../themes/index.js";
import { measureText } from "../text/measure.js";
import { drawCuboid } from "./cuboid.js";
import type { Primitive } from "./types.js";

/** The one op a kind's name already says; other ops of the kind are named in the legend. */
const USUAL_OP: Partial<Record<OpCategory, string>> = { input: "input", conv: "conv", deconv: "deconv", dense: "fc", attention: "attention", embedding: "embedding" };

/** Legend order: the order layers usually appear in a network. */
const ORDER: OpCategory[] = [
  "input",
  "embedding",
  "conv",
  "deconv",
  "norm",
  "activation",
  "pool",
  "regularization",
  "reshape",
  "attention",
  "recurrent",
  "dense",
  "merge",
  "shortcut",
  "opaque",
];

export interface LegendDrawing {
  primitives: Primitive[];
  width: number;
  height: number;
}

/**
 * Small blocks, one per layer kind present, each with its name and the ops it stands for:
 * `Pooling (maxpool)`. In rows that wrap at `width` (below a figure), or in one column
 * (beside it). Every length follows the legend's text size, so a figure printed at a
 * width gets a legend of the same printed size.
 */
export function drawLegend(
  present: Map<OpCategory, Set<string>>,
  theme: Theme,
  camera: CameraOptions,
  left: number,
  top: number,
  width: number,
  layout: "rows" | "column" = "rows",
): LegendDrawing {
  const font = fontOf(theme, theme.text.legend);
  const unit = font.size / 8;
  const swatch = { x: 9 * unit, y: 9 * unit, z: 6 * unit };
  // The swatch is always drawn obliquely, so perspective figures keep a tidy legend.
  const [rx, ry] = obliqueStep({ ...camera, kind: "oblique" });
  const rise = -swatch.z * ry;
  const primitives: Primitive[] = [];
  const rowHeight = Math.max(swatch.y + rise, font.size * 1.25) + 6 * unit;
  const gap = 14 * unit;
  const items = ORDER.filter((c) => present.has(c)).map((category) => {
    const ops = present.get(category)!;
    // Which ops a kind stands for matters where a kind has many (max or average pooling,
    // ReLU or tanh); `Convolution (conv)` would only repeat itself, `Fully connected (embedding, fc)` would not.
    const usual = USUAL_OP[category];
    // A collapsed module (a concat drawn in the conv colour) is no other kind of convolution.
    const plain = usual !== undefined && [...ops].every((op) => op === usual || findOp(op)?.category !== category);
    const name = theme.categories[category].name;
    const listed = [...ops].sort().join(", ");
    // Layers netfig knows only by name are listed by their own types (`Einsum, GridSample`).
    const text = category === "opaque" ? listed : plain ? name : `${name} (${listed})`;
    const m = measureText(text, font);
    return { category, text, m, width: swatch.x + swatch.z * rx + 4 * unit + m.width };
  });
  /** Which row each item goes on when rows wrap at `limit`. */
  const rowsAt = (limit: number): number[] => {
    const row: number[] = [];
    let x = 0;
    let r = 0;
    for (const item of items) {
      if (x > 0 && (layout === "column" || x + item.width > limit)) {
        r++;
        x = 0;
      }
      row.push(r);
      x += item.width + gap;
    }
    return row;
  };
  // As many rows as the width needs, filled evenly: the narrowest wrap that needs no more
  // rows than the full width does, so no kind is left alone on a last line.
  let rows = rowsAt(width);
  const count = (r: number[]): number => (r.length === 0 ? 0 : r[r.length - 1]! + 1);
  if (layout === "rows" && count(rows) > 1) {
    let lo = Math.max(...items.map((i) => i.width));
    let hi = width;
    for (let step = 0; step < 20; step++) {
      const mid = (lo + hi) / 2;
      if (count(rowsAt(mid)) <= count(rows)) hi = mid;
      else lo = mid;
    }
    rows = rowsAt(hi);
  }
  let x = left;
  let y = top;
  let right = left;
  items.forEach((item, i) => {
    if (i > 0 && rows[i] !== rows[i - 1]) {
      x = left;
      y += rowHeight;
    }
    const { category, text, m, width: itemWidth } = item;
    const ox = x;
    const oy = y + rise;
    const owner = `legend-${category}`;
    const cuboid = drawCuboid(owner, swatch, [{ from: 0, to: swatch.x, fill: theme.categories[category].fill }], "x", (px, py, pz) => [ox + px + pz * rx, oy + py + pz * ry], theme);
    primitives.push(...cuboid.primitives.map((p) => ({ ...p, role: "legend-swatch" })));
    primitives.push({
      type: "text",
      role: "legend-text",
      owner,
      text,
      at: [x + swatch.x + swatch.z * rx + 4 * unit, oy + swatch.y / 2 + (m.ascent - m.descent) / 2],
      anchor: "start",
      font,
      color: theme.text.legend.color,
      width: m.width,
    });
    right = Math.max(right, x + itemWidth);
    x += itemWidth + gap;
  });
  return { primitives, width: right - left, height: y + rowHeight - top };
}
