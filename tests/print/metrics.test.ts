/**
 * The print-metrics helper (tests/helpers/print-metrics.ts) on small hand-written SVGs in
 * the writer's format: each defect the legibility test looks for is caught, and each
 * near miss is not.
 */

import { describe, expect, it } from "vitest";
import { LIMITS, measureSvg, parseSvg, pdfFontSizes, penetration, pdfVerdict, verdict, type PdfMetrics } from "../helpers/print-metrics.js";
import { measureText } from "../../src/text/measure.js";

const SANS = "DejaVu Sans, sans-serif";

/** A document as src/render/svg.ts writes one: viewBox in scene units, size in pt. */
function svg(body: string, size: { w?: number; h?: number; printedW?: number; printedH?: number; unit?: string } = {}): string {
  const { w = 200, h = 100, unit = "pt" } = size;
  const { printedW = w, printedH = h } = size;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" version="1.1" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 ${w} ${h}" width="${printedW}${unit}" height="${printedH}${unit}">${body}</svg>\n`;
}

function text(id: string, x: number, y: number, content: string, { size = 8, anchor, weight, rotate }: { size?: number; anchor?: string; weight?: string; rotate?: number } = {}): string {
  const attrs = [
    `id="${id}"`,
    `x="${x}"`,
    `y="${y}"`,
    `font-family="${SANS}"`,
    `font-size="${size}"`,
    weight ? `font-weight="${weight}"` : "",
    anchor ? `text-anchor="${anchor}"` : "",
    `fill="#000000"`,
    rotate !== undefined ? `transform="rotate(${rotate} ${x} ${y})"` : "",
  ].filter((a) => a !== "");
  return `<text ${attrs.join(" ")}>${content}</text>`;
}

/** A flat block: one rectangular face (the front of a cuboid seen head on). */
function face(id: string, x: number, y: number, w: number, h: number): string {
  return `<polygon id="${id}" points="${x},${y} ${x + w},${y} ${x + w},${y + h} ${x},${y + h}" fill="#cccccc" stroke="#222222" stroke-width="0.6"></polygon>`;
}

const width8 = (s: string, weight: "normal" | "bold" = "normal"): number => measureText(s, { family: "sans", weight, style: "normal", size: 8 }).width;
const metrics8 = measureText("x", { family: "sans", weight: "normal", style: "normal", size: 8 });

describe("reading the writer's SVG", () => {
  it("splits ids back into role and owner, counting the writer's -1, -2 numbering", () => {
    const doc = svg(
      face("block-face-stage-2", 0, 0, 1, 1) +
        face("block-face-stage-2-1", 0, 0, 1, 1) +
        face("block-face-stage-2-2", 0, 0, 1, 1) +
        face("block-face-conv1-1", 0, 0, 1, 1) + // an owner named conv1-1, not a repeat: conv1 was never used
        text("label-shape-stage-2", 0, 10, "a") +
        text("label-shape-stage-2-1", 0, 20, "b") +
        text("legend-text-legend-conv", 0, 30, "c") +
        `<title>Net &amp; "co" &lt;3&gt;</title>`,
    );
    const els = parseSvg(doc).elements;
    expect(els.map((e) => [e.role, e.owner])).toEqual([
      ["block-face", "stage-2"],
      ["block-face", "stage-2"],
      ["block-face", "stage-2"],
      ["block-face", "conv1-1"],
      ["label-shape", "stage-2"],
      ["label-shape", "stage-2"],
      ["legend-text", "legend-conv"],
      ["", ""],
    ]);
    expect(els.at(-1)!.text).toBe('Net & "co" <3>');
  });

  it("measures at the printed scale: width attribute ÷ viewBox width", () => {
    const doc = svg(text("label-shape-a", 10, 20, "conv", { size: 4 }) + face("block-face-a", 10, 30, 40, 10), { w: 100, h: 50, printedW: 200, printedH: 100 });
    const m = measureSvg(doc);
    expect(m.scale).toBe(2);
    expect(m.widthPt).toBe(200);
    expect(m.heightPt).toBe(100);
    expect(m.texts[0]!.fontPt).toBe(8);
    expect(m.minFontPt).toBe(8);
    expect(m.blocks[0]!.heightPt).toBe(20);
    // The box is the advance width by ascent + descent, on paper.
    const box = m.texts[0]!.box;
    expect(box.right - box.left).toBeCloseTo(width8("conv"), 6);
    expect(box.bottom - box.top).toBeCloseTo(metrics8.ascent + metrics8.descent, 6);
    expect(box.top).toBeCloseTo(40 - metrics8.ascent, 6);
  });

  it("reads sizes in mm and in (the printed page need not be given in pt)", () => {
    const mm = measureSvg(svg(text("title", 5, 10, "T", { size: 6 }), { w: 240.94, h: 100, printedW: 85, printedH: (100 * 85) / 240.94, unit: "mm" }));
    expect(mm.widthPt).toBeCloseTo(240.94, 1);
    expect(mm.scale).toBeCloseTo(1, 3);
    expect(measureSvg(svg("", { w: 144, h: 72, printedW: 1, printedH: 0.5, unit: "in" })).scale).toBeCloseTo(0.5, 9);
  });
});

describe("small text", () => {
  it("reports every text under 6 pt on paper, with its size", () => {
    const doc = svg(text("label-shape-a", 10, 20, "7×7/2", { size: 2.9 }) + text("label-name-a", 10, 60, "conv1", { size: 4 }), { w: 100, h: 100, printedW: 200, printedH: 200 });
    const m = measureSvg(doc);
    expect(m.minFontPt).toBeCloseTo(5.8, 6);
    expect(m.smallTexts.map((t) => t.text)).toEqual(["7×7/2"]);
    const v = verdict(m);
    expect(v.legible).toBe(false);
    expect(v.failures).toEqual([expect.stringMatching(/^text under 6 pt: 1 text, smallest 5.80 pt \("7×7\/2" 5.80 pt\)/)]);
  });

  it("passes 6 pt exactly", () => {
    const m = measureSvg(svg(text("label-shape-a", 10, 20, "7×7/2", { size: 6 })));
    expect(m.smallTexts).toEqual([]);
    expect(verdict(m).legible).toBe(true);
  });
});

describe("text–text overlaps", () => {
  const w = width8("conv1");

  it("catches two labels on top of each other, naming both texts", () => {
    const m = measureSvg(svg(text("label-name-a", 10, 20, "conv1") + text("label-name-b", 12, 22, "conv2")));
    expect(m.textTextOverlaps).toHaveLength(1);
    expect(m.textTextOverlaps[0]).toMatchObject({ a: { id: "label-name-a", text: "conv1" }, b: { id: "label-name-b", text: "conv2" } });
    expect(verdict(m).failures[0]).toMatch(/^text–text overlaps: 1 \("conv1" \(label-name-a\) × "conv2" \(label-name-b\) [\d.]+ pt deep\)/);
  });

  it("allows boxes that touch or overlap by less than 0.5 pt, not more", () => {
    const by = (d: number) => measureSvg(svg(text("label-name-a", 10, 20, "conv1") + text("label-name-b", 10 + w - d, 20, "conv2"))).textTextOverlaps.length;
    expect(by(0)).toBe(0);
    expect(by(0.4)).toBe(0);
    expect(by(0.7)).toBe(1);
    // Stacked lines: the next baseline one ascent + descent lower just touches.
    const line = metrics8.ascent + metrics8.descent;
    const stacked = (gap: number) => measureSvg(svg(text("label-shape-a", 10, 20, "conv1") + text("label-shape-a-1", 10, 20 + line + gap, "conv2"))).textTextOverlaps.length;
    expect(stacked(0)).toBe(0);
    expect(stacked(-1)).toBe(1);
  });

  it("places anchored text by its anchor: end and middle", () => {
    // "conv1" ending at x = 50, "conv2" starting at 50: they touch, no overlap.
    expect(measureSvg(svg(text("label-name-a", 50, 20, "conv1", { anchor: "end" }) + text("label-name-b", 50, 20, "conv2"))).textTextOverlaps).toHaveLength(0);
    // Start-anchored both at 50 would overlap completely.
    expect(measureSvg(svg(text("label-name-a", 50, 20, "conv1") + text("label-name-b", 50, 20, "conv2"))).textTextOverlaps).toHaveLength(1);
    // Centred at 50, "conv1" reaches w/2 right of 50: a label starting at 50 + w/2 - 1 overlaps it.
    expect(measureSvg(svg(text("label-name-a", 50, 20, "conv1", { anchor: "middle" }) + text("label-name-b", 50 + w / 2 - 1, 20, "conv2"))).textTextOverlaps).toHaveLength(1);
    expect(measureSvg(svg(text("label-name-a", 50, 20, "conv1", { anchor: "middle" }) + text("label-name-b", 50 + w / 2, 20, "conv2"))).textTextOverlaps).toHaveLength(0);
  });

  it("measures bold text with the bold font", () => {
    const wb = width8("conv1", "bold");
    expect(wb).toBeGreaterThan(w + 1);
    // Beside a bold "conv1", a label starting at the regular width overlaps it.
    expect(measureSvg(svg(text("title", 10, 20, "conv1", { weight: "bold" }) + text("label-name-b", 10 + w, 20, "x"))).textTextOverlaps).toHaveLength(1);
    expect(measureSvg(svg(text("title", 10, 20, "conv1", { weight: "bold" }) + text("label-name-b", 10 + wb, 20, "x"))).textTextOverlaps).toHaveLength(0);
  });

  it("rotates the box as printed: a vertical label misses a neighbour its unrotated box would hit", () => {
    // rotate(-90): the text runs upwards from (50, 80); it spans x from 50 - ascent to 50 + descent.
    const vertical = text("label-name-a", 50, 80, "a long vertical label", { rotate: -90 });
    const right = text("label-name-b", 60, 80, "beside");
    expect(measureSvg(svg(vertical + right)).textTextOverlaps).toHaveLength(0);
    expect(measureSvg(svg(text("label-name-a", 50, 80, "a long vertical label") + right)).textTextOverlaps).toHaveLength(1);
    // ... and hits one above its anchor that the unrotated box would miss.
    const above = text("label-name-b", 45, 40, "up");
    expect(measureSvg(svg(vertical + above)).textTextOverlaps).toHaveLength(1);
    expect(measureSvg(svg(text("label-name-a", 50, 80, "a long vertical label") + above)).textTextOverlaps).toHaveLength(0);
    const box = measureSvg(svg(vertical)).texts[0]!.box;
    expect(box.left).toBeCloseTo(50 - metrics8.ascent, 6);
    expect(box.right).toBeCloseTo(50 + metrics8.descent, 6);
    expect(box.bottom).toBeCloseTo(80, 6);
    expect(box.top).toBeCloseTo(80 - width8("a long vertical label"), 6);
  });

  it("catches legend entries running together", () => {
    const a = width8("Input");
    const run = text("legend-text-legend-input", 10, 90, "Input") + text("legend-text-legend-conv", 10 + a - 2, 90, "Convolution");
    expect(measureSvg(svg(run)).textTextOverlaps).toHaveLength(1);
  });
});

describe("text–block overlaps", () => {
  const block = face("block-face-conv1", 20, 20, 30, 40) + face("block-face-conv1-1", 50, 15, 5, 40);

  it("catches a label on a block it does not belong to", () => {
    const m = measureSvg(svg(block + text("label-name-conv2", 25, 40, "conv2")));
    expect(m.textBlockOverlaps).toEqual([{ text: { id: "label-name-conv2", text: "conv2", owner: "conv2" }, block: "conv1", depthPt: expect.any(Number) }]);
    expect(verdict(m).failures[0]).toMatch(/^text–block overlaps: 1 \("conv2" \(label-name-conv2\) on block conv1\)/);
  });

  it("allows a block's own labels on its faces, the second face included", () => {
    expect(measureSvg(svg(block + text("label-shape-conv1", 25, 40, "55×55") + text("label-shape-conv1-1", 51, 40, "x"))).textBlockOverlaps).toEqual([]);
  });

  it("counts the legend, frame labels and the title as not belonging to any block", () => {
    const m = measureSvg(svg(block + text("legend-text-legend-conv", 22, 30, "Conv") + text("label-frame-layer1", 22, 45, "layer1") + text("title", 22, 58, "Net")));
    expect(m.textBlockOverlaps.map((o) => o.text.id)).toEqual(["legend-text-legend-conv", "label-frame-layer1", "title"]);
  });

  it("allows a label that only grazes a face (under 0.5 pt), not one that sits on it", () => {
    const w = width8("conv2");
    // Ending 0.3 pt inside the face's left edge at x = 20.
    expect(measureSvg(svg(block + text("label-name-conv2", 20.3, 40, "conv2", { anchor: "end" }))).textBlockOverlaps).toEqual([]);
    expect(measureSvg(svg(block + text("label-name-conv2", 21, 40, "conv2", { anchor: "end" }))).textBlockOverlaps).toHaveLength(1);
    expect(measureSvg(svg(block + text("label-name-conv2", 20 - w, 40, "conv2"))).textBlockOverlaps).toEqual([]);
  });

  it("tests the skewed faces of an oblique cuboid as polygons, not as their bounding boxes", () => {
    // A top face leaning right: the corner of its bounding box at upper left is empty.
    const top = `<polygon id="block-face-c" points="20,30 50,30 70,10 40,10" fill="#ccc"></polygon>`;
    expect(measureSvg(svg(top + text("label-name-d", 20, 18, "ab"))).textBlockOverlaps).toEqual([]);
    expect(measureSvg(svg(top + text("label-name-d", 42, 22, "ab"))).textBlockOverlaps).toHaveLength(1);
  });

  it("does not count ⊕ circles, legend swatches or neurons as blocks", () => {
    const others = `<circle id="sum-add1" cx="40" cy="40" r="6" fill="#fff"></circle><polygon id="legend-swatch-legend-conv" points="20,20 50,20 50,60 20,60"></polygon><circle id="neuron-h1" cx="40" cy="40" r="6"></circle>`;
    const m = measureSvg(svg(others + text("label-name-x", 25, 40, "x")));
    expect(m.blocks).toEqual([]);
    expect(m.textBlockOverlaps).toEqual([]);
  });
});

describe("block size", () => {
  it("takes the median over blocks of the printed height of each block's faces together", () => {
    // Block a: a front face 10 tall and a top face rising 4 above it (14 in all); b 20; c 30.
    const doc = svg(
      face("block-face-a", 0, 20, 5, 10) +
        `<polygon id="block-face-a-1" points="0,20 5,20 8,16 3,16"></polygon>` +
        face("block-face-b", 10, 10, 5, 20) +
        face("block-face-c", 20, 0, 5, 30) +
        `<circle id="sum-add" cx="40" cy="10" r="50"></circle>`,
      { w: 100, h: 50, printedW: 200, printedH: 100 },
    );
    const m = measureSvg(doc);
    expect(m.blocks.map((b) => [b.owner, b.heightPt])).toEqual([
      ["a", 28],
      ["b", 40],
      ["c", 60],
    ]);
    expect(m.medianBlockHeightPt).toBe(40);
    expect(verdict(m).legible).toBe(true);
  });

  it("fails a figure whose median block prints under 18 pt, and says how tall", () => {
    const doc = svg(face("block-face-a", 0, 0, 5, 17) + face("block-face-b", 10, 0, 5, 17.5) + face("block-face-c", 20, 0, 5, 40));
    const m = measureSvg(doc);
    expect(m.medianBlockHeightPt).toBe(17.5);
    expect(verdict(m).failures).toEqual(["median block 17.5 pt tall, under 18 pt (3 blocks)"]);
  });

  it("averages the middle two of an even count", () => {
    expect(measureSvg(svg(face("block-face-a", 0, 0, 5, 10) + face("block-face-b", 10, 0, 5, 20))).medianBlockHeightPt).toBe(15);
  });

  it("skips the block criterion for figures without blocks (neurons, sequences, grids)", () => {
    const neurons = svg(`<circle id="neuron-x0" cx="10" cy="10" r="3"></circle><polygon id="grid-cell-input" points="0,0 1,0 1,1 0,1"></polygon>` + text("label-name-x", 20, 20, "x"));
    const m = measureSvg(neurons);
    expect(m.medianBlockHeightPt).toBeUndefined();
    expect(verdict(m)).toEqual({ legible: true, failures: [] });
  });
});

describe("page", () => {
  it("fails a figure taller than 9 in", () => {
    expect(verdict(measureSvg(svg("", { w: 100, h: 648 }))).legible).toBe(true);
    expect(verdict(measureSvg(svg("", { w: 100, h: 649.5 }))).failures).toEqual(["height 649.5 pt, over 648 pt (9 in)"]);
    // Measured on paper: a 400-unit viewBox printed at twice the size is 800 pt tall.
    expect(measureSvg(svg("", { w: 100, h: 400, printedW: 200, printedH: 800 })).heightPt).toBe(800);
  });

  it("finds the legend (swatches and texts) and fails one that leaves the page", () => {
    const legend = (x: number) => `<polygon id="legend-swatch-legend-conv" points="${x},80 ${x + 9},80 ${x + 9},89 ${x},89"></polygon>` + text("legend-text-legend-conv", x + 12, 88, "Convolution");
    const inside = measureSvg(svg(legend(10)));
    expect(inside.legendBox).toMatchObject({ left: 10, top: 80 });
    expect(inside.legendInside).toBe(true);
    // The "Recurrent (lstm)" entry at x = 288 on a 259 pt page, as the issue found it.
    const outside = measureSvg(svg(legend(288), { w: 259, h: 100 }));
    expect(outside.legendInside).toBe(false);
    expect(verdict(outside).failures).toEqual([expect.stringMatching(/^legend outside the page: legend spans x 288\.0–[\d.]+, y [\d.]+–[\d.]+ on a 259\.0 × 100\.0 pt page$/)]);
    expect(outside.textsOutsidePage.map((t) => t.id)).toEqual(["legend-text-legend-conv"]);
    expect(measureSvg(svg("")).legendBox).toBeUndefined();
    expect(measureSvg(svg("")).legendInside).toBe(true);
  });

  it("reports each failed criterion on its own line", () => {
    const doc = svg(text("label-name-a", 10, 20, "tiny", { size: 3 }) + text("label-name-b", 10, 20, "tiny") + face("block-face-c", 0, 0, 1, 1), { w: 100, h: 700 });
    const v = verdict(measureSvg(doc));
    expect(v.failures).toEqual([
      expect.stringMatching(/^text under 6 pt: 1 text, smallest 3.00 pt/),
      expect.stringMatching(/^text–text overlaps: 1 /),
      "median block 1.0 pt tall, under 18 pt (1 block)",
      "height 700.0 pt, over 648 pt (9 in)",
    ]);
  });
});

describe("geometry", () => {
  it("measures interpenetration as the smallest overlap along a separating axis", () => {
    const sq = (x: number, y: number, s: number): [number, number][] => [
      [x, y],
      [x + s, y],
      [x + s, y + s],
      [x, y + s],
    ];
    expect(penetration(sq(0, 0, 10), sq(8, 5, 10))).toBeCloseTo(2, 9);
    expect(penetration(sq(0, 0, 10), sq(10, 0, 10))).toBe(0);
    expect(penetration(sq(0, 0, 10), sq(20, 0, 10))).toBe(0);
    // A diamond beside the square's corner: the boxes overlap, the shapes do not.
    expect(penetration(sq(0, 0, 10), [[15, 8], [20, 13], [15, 18], [10, 13]] as [number, number][])).toBe(0);
  });
});

describe("PDF font sizes", () => {
  const stream = (body: string) => `1 0 obj\n<< /Length 0 >>\nstream\n${body}\nendstream\nendobj\n`;

  it("reads each Tf with the scale of the transformation around it", () => {
    const qdf = stream(["1 0 0 -1 0 100 cm", "q", "0.5 0 0 0.5 10 10 cm", "BT", "1 0 0 1 0 0 Tm", "/F1 8 Tf", "[<00>] TJ", "ET", "Q", "BT", "1 0 0 -1 5 5 Tm", "/F2 7 Tf", "ET", "q", "2 0 0 2 0 0 cm", "BT", "/F3 6.5 Tf", "ET", "Q"].join("\n"));
    const sizes = pdfFontSizes(qdf);
    expect(sizes.set).toEqual([8, 7, 6.5]);
    expect(sizes.printed).toEqual([4, 7, 13]);
  });

  it("starts every content stream from the identity", () => {
    const sizes = pdfFontSizes(stream("0.5 0 0 0.5 0 0 cm\nBT\n/F1 8 Tf\nET") + stream("BT\n/F1 8 Tf\nET"));
    expect(sizes.printed).toEqual([4, 8]);
  });

  it("fails PDF text under 6 pt and a page over 9 in", () => {
    const m = (fontSizes: number[], heightPt: number): PdfMetrics => ({ widthPt: 240.94, heightPt, setSizes: fontSizes, fontSizes, minFontPt: Math.min(...fontSizes) });
    expect(pdfVerdict(m([7, 6], 600)).legible).toBe(true);
    expect(pdfVerdict(m([7, 5.2, 3], 700)).failures).toEqual(["PDF text under 6 pt: 2 of 3 Tf, smallest 3.00 pt", "PDF page 700.0 pt tall, over 648 pt (9 in)"]);
  });

  it("uses the issue's limits", () => {
    expect(LIMITS).toEqual({ minFontPt: 6, minMedianBlockPt: 18, maxHeightPt: 648, overlapTolerancePt: 0.5 });
  });
});
