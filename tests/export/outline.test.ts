/** Glyph outlines for `--text-as-paths`: where resvg draws the same text from the font, and script-split shaping. */

import { describe, expect, it } from "vitest";
import { renderPng } from "../../src/render/png.js";
import type { FontSpec, TextPrimitive } from "../../src/scene/types.js";
import { measureText } from "../../src/text/measure.js";
import { textOutline } from "../../src/text/outline.js";
import { scriptRuns, shapeText } from "../../src/text/shaping.js";
import { openFont } from "../../src/text/measure.js";
import { pathData } from "./svg.js";
import { compareImages, decodePng } from "./tools.js";

const sans: FontSpec = { family: "sans", weight: "normal", style: "normal", size: 12 };
const serif: FontSpec = { family: "serif", weight: "normal", style: "normal", size: 12 };

function label(text: string, font: FontSpec, at: [number, number], extra: Partial<TextPrimitive> = {}): TextPrimitive {
  return { type: "text", role: "label", text, at, anchor: "start", font, color: "#000000", width: measureText(text, font).width, ...extra };
}

function bounds(t: TextPrimitive): { x0: number; y0: number; x1: number; y1: number } {
  const pts = textOutline(t).flatMap((c) => (c.op === "Z" ? [] : c.op === "C" ? [c.c1, c.c2, c.to] : [c.to]));
  return {
    x0: Math.min(...pts.map((p) => p[0])),
    y0: Math.min(...pts.map((p) => p[1])),
    x1: Math.max(...pts.map((p) => p[0])),
    y1: Math.max(...pts.map((p) => p[1])),
  };
}

describe("textOutline", () => {
  it("sits on the baseline and spans the measured width", () => {
    const t = label("HHH", sans, [10, 50]);
    const b = bounds(t);
    expect(b.y1).toBeCloseTo(50, 6); // H has no descender: its bottom is the baseline
    expect(b.y0).toBeCloseTo(50 - 0.729 * 12, 1); // DejaVu Sans cap height 0.729 em
    expect(b.x0).toBeGreaterThan(10);
    expect(b.x1).toBeLessThan(10 + t.width);
  });

  it("anchors by the measured width", () => {
    const start = bounds(label("Conv", sans, [100, 50]));
    const middle = label("Conv", sans, [100, 50], { anchor: "middle" });
    const end = label("Conv", sans, [100, 50], { anchor: "end" });
    expect(bounds(middle).x0).toBeCloseTo(start.x0 - middle.width / 2, 6);
    expect(bounds(end).x1).toBeCloseTo(start.x1 - end.width, 6);
  });

  it("rotates counter-clockwise about the anchor", () => {
    const b = bounds(label("HHH", sans, [50, 50], { rotate: 90 }));
    // Reading upwards: the glyphs stand to the left of x = 50 and run up from y = 50.
    expect(b.x1).toBeCloseTo(50, 6);
    expect(b.y1).toBeLessThan(50);
    expect(b.y0).toBeGreaterThan(50 - measureText("HHH", sans).width - 0.01);
  });

  it("draws what resvg draws from the font (kerned Latin, ×, digits)", () => {
    const lines = ["AVATAR Wo 224×224×64", "conv1 7×7/2 pad=3"];
    for (const [family, font] of [["DejaVu Sans", sans], ["CMU Serif", serif]] as const) {
      const asText = lines.map((s, i) => `<text x="4" y="${20 + i * 20}" font-family="${family}" font-size="12">${s}</text>`).join("");
      const asPaths = lines.map((s, i) => `<path d="${pathData(textOutline(label(s, font, [4, 20 + i * 20])))}"/>`).join("");
      const svg = (body: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="160pt" height="50pt" viewBox="0 0 160 50">${body}</svg>`;
      const a = decodePng(renderPng(svg(asText), { dpi: 600 }));
      const b = decodePng(renderPng(svg(asPaths), { dpi: 600 }));
      const diff = compareImages(a, b);
      expect(diff.mean, family).toBeLessThan(0.5);
      expect(diff.worstTile, family).toBeLessThan(8);
    }
  });

  it("converts quadratic TrueType curves to cubics and closes every contour", () => {
    const cmds = textOutline(label("o", sans, [0, 20]));
    expect(cmds[0]?.op).toBe("M");
    expect(cmds.at(-1)?.op).toBe("Z");
    expect(cmds.some((c) => c.op === "C")).toBe(true);
    expect(cmds.filter((c) => c.op === "M").length).toBe(cmds.filter((c) => c.op === "Z").length);
  });

  it("returns nothing for blank text", () => {
    expect(textOutline(label("   ", sans, [0, 0]))).toEqual([]);
  });
});

describe("shaping by script", () => {
  it("cuts runs where the script changes, keeping digits and punctuation with their run", () => {
    expect(scriptRuns("fc β·λ μ")).toEqual(["fc ", "β·λ μ"]);
    expect(scriptRuns("224×224 α=0.5")).toEqual(["224×224 α=0.5"]); // a neutral start joins the first run
    expect(scriptRuns("α=0.5 lr")).toEqual(["α=0.5 ", "lr"]);
    expect(scriptRuns("conv1 3×3")).toEqual(["conv1 3×3"]);
    expect(scriptRuns("")).toEqual([]);
  });

  it("keeps CMU Serif's Greek β in a Latin label (not the IPA form)", () => {
    const face = openFont(serif);
    const names = shapeText(face, "fc β").flatMap((r) => r.glyphs.map((g) => (g as unknown as { name: string }).name));
    expect(names).toContain("beta");
    expect(names).not.toContain("beta.ipa");
  });
});
