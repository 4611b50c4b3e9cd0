/**
 * A hand-built scene with one of everything a figure draws, laid out the way the render
 * command lays out a figure: geometry in fixed units, and every print-size length (font
 * sizes, strokes, gaps) divided by the layout scale, so `fitToWidth` can fit it to a width.
 */

import { PNG } from "pngjs";
import type { FontSpec, Point, Primitive, Scene, TextPrimitive } from "../../src/scene/types.js";
import { measureText } from "../../src/text/measure.js";

/** A 24×16 RGB gradient with a bright diagonal, so orientation errors show. */
export function gradientPng(): Uint8Array {
  const png = new PNG({ width: 24, height: 16, colorType: 2 });
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 24; x++) {
      const i = (y * 24 + x) * 4;
      const diagonal = Math.abs(x - y) < 1.5;
      png.data[i] = diagonal ? 255 : Math.round((x / 23) * 200);
      png.data[i + 1] = diagonal ? 255 : 40;
      png.data[i + 2] = diagonal ? 255 : Math.round((y / 15) * 220);
      png.data[i + 3] = 255;
    }
  }
  return new Uint8Array(PNG.sync.write(png, { colorType: 2 }));
}

function text(s: string, at: Point, font: FontSpec, extra: Partial<TextPrimitive> = {}): TextPrimitive {
  return {
    type: "text",
    role: "label",
    text: s,
    at,
    anchor: "middle",
    font,
    color: "#222222",
    width: measureText(s, font).width,
    ...extra,
  };
}

/** A cuboid as front, top and side faces (oblique projection, depth up and right). */
function cuboid(x: number, y: number, w: number, h: number, depth: number, fill: string, lineWidth: number): Primitive[] {
  const dx = depth * 0.7;
  const dy = -depth * 0.55;
  const stroke = { color: "#222222", width: lineWidth, join: "round" as const };
  return [
    { type: "polygon", role: "block-face", points: [[x, y], [x + w, y], [x + w, y + h], [x, y + h]], paint: { fill, stroke } },
    { type: "polygon", role: "block-face", points: [[x, y], [x + dx, y + dy], [x + w + dx, y + dy], [x + w, y]], paint: { fill: "#fff3cf", stroke } },
    { type: "polygon", role: "block-face", points: [[x + w, y], [x + w + dx, y + dy], [x + w + dx, y + h + dy], [x + w, y + h]], paint: { fill: "#d9c07f", stroke } },
  ];
}

/**
 * The test figure laid out for scale `s`: labels of `fontSize / s` points, strokes of
 * `width / s`. The blocks keep their size; the label column and gaps grow as `s` shrinks,
 * so the width depends on `s` the way a real layout's does.
 */
export function layoutFixture(s: number, fontSize = 8): Scene {
  const F = fontSize / s;
  const sans: FontSpec = { family: "sans", weight: "normal", style: "normal", size: F };
  const serif: FontSpec = { family: "serif", weight: "normal", style: "normal", size: F };
  const bold: FontSpec = { family: "sans", weight: "bold", style: "normal", size: F * 1.25 };
  const line = 0.6 / s;
  const gap = 14 / s;
  const pad = 6 / s;

  const shapes = ["224×224×3", "112×112×64", "56×56×256"];
  const widths = shapes.map((l) => Math.max(measureText(l, sans).width, 60));
  const blockH = 60;
  const top = pad + 2 * F + 22;
  const primitives: Primitive[] = [];
  let x = pad + 1.5 * F;
  const centres: number[] = [];
  const fills = ["#e8e8e8", "#fbe3a6", "#c9b8e3"];
  shapes.forEach((label, i) => {
    const w = widths[i]! * 0.6;
    primitives.push(...cuboid(x, top, w, blockH, 30, fills[i]!, line));
    centres.push(x + w / 2);
    primitives.push(text(label, [x + w / 2, top + blockH + 1.2 * F], sans));
    primitives.push(text(["input", "conv1 α=0.5", "fc β·λ μ"][i]!, [x + w / 2, top + blockH + 2.4 * F], serif));
    if (i < shapes.length - 1) {
      const from: Point = [x + w + 21 + 2, top + blockH / 2];
      x += Math.max(w + 21, widths[i]!) + gap + 20;
      primitives.push({
        type: "path",
        role: "edge",
        commands: [{ op: "M", to: from }, { op: "L", to: [x - 2, top + blockH / 2] }],
        paint: { stroke: { color: "#444444", width: 0.9 / s } },
        arrow: "end",
      });
    }
  });
  const right = x + widths[widths.length - 1]! * 0.6 + 21;

  // A residual arc over the blocks into a ⊕ node, dashed, plus the node itself.
  const node: Point = [right + gap + 8, top + blockH / 2];
  primitives.push({
    type: "path",
    role: "edge",
    commands: [
      { op: "M", to: [centres[0]!, top - 20] },
      { op: "C", c1: [centres[0]!, top - 40], c2: [node[0], top - 40], to: [node[0], node[1] - 8] },
    ],
    paint: { stroke: { color: "#444444", width: 0.9 / s, dash: [3 / s, 2 / s], cap: "round" } },
    arrow: "end",
  });
  primitives.push({ type: "circle", role: "merge", center: node, radius: 8, paint: { fill: "#bfe3c0", stroke: { color: "#222222", width: line } } });
  primitives.push({
    type: "path",
    role: "merge",
    commands: [
      { op: "M", to: [node[0] - 5, node[1]] },
      { op: "L", to: [node[0] + 5, node[1]] },
      { op: "M", to: [node[0], node[1] - 5] },
      { op: "L", to: [node[0], node[1] + 5] },
    ],
    paint: { stroke: { color: "#222222", width: line } },
  });

  // A thumbnail on the first block's (skewed) side face, half transparent overlay on the last.
  const side = primitives[2] as Extract<Primitive, { type: "polygon" }>;
  const [sTL, sTR, sBR] = [side.points[0]!, side.points[1]!, side.points[3]!];
  primitives.push({ type: "image", role: "thumbnail", png: gradientPng(), corners: [sTL, sTR, sBR] });
  const front = primitives[0] as Extract<Primitive, { type: "polygon" }>;
  primitives.push({
    type: "image",
    role: "thumbnail",
    png: gradientPng(),
    corners: [
      [front.points[0]![0] + 4, front.points[0]![1] + 4],
      [front.points[1]![0] - 4, front.points[1]![1] + 4],
      [front.points[0]![0] + 4, front.points[0]![1] + 34],
    ],
  });
  primitives.push({
    type: "polygon",
    role: "frame",
    points: [[pad, pad + 1.6 * F], [right + gap + 20, pad + 1.6 * F], [right + gap + 20, top + blockH + 3 * F], [pad, top + blockH + 3 * F]],
    paint: { fill: "#4060c0", fillOpacity: 0.08, stroke: { color: "#8a8a8a", width: 0.7 / s, dash: [3 / s, 2 / s], join: "miter" } },
  });

  // A rotated channel label, an end-anchored title and a start-anchored note.
  primitives.push(text("C=64", [pad + F, top + blockH / 2], sans, { rotate: 90 }));
  primitives.push(text("ResNet block", [right + gap + 20, pad + F], bold, { anchor: "end", role: "title" }));
  primitives.push(text("×2", [pad, pad + F], sans, { anchor: "start" }));

  const width = right + gap + 20 + pad;
  return { width, height: top + blockH + 3 * F + pad, background: "#ffffff", title: "netfig export test", primitives };
}
