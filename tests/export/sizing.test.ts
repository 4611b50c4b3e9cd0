/** Command-line sizing values and the fit that prints labels at exactly --font-size. */

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseBackground, parseDpi, parseFontSize, parseLength, parseScale } from "../../src/options/print.js";
import { fitScale, fitToWidth, printTheme, scaleScene } from "../../src/fit/width.js";
import { pixelSize } from "../../src/render/png.js";
import { parseFont } from "../../src/text/font-file.js";
import { paper } from "../../src/themes/paper.js";
import { fontFile } from "../../src/text/fonts.js";
import { layoutFixture } from "./fixture.js";
import { tempDir } from "./tools.js";

describe("parsing", () => {
  it("reads widths in mm, cm, in, pt and px into points", () => {
    expect(parseLength("85mm")).toEqual({ ok: true, value: (85 * 72) / 25.4 });
    expect(parseLength("178mm")).toEqual({ ok: true, value: (178 * 72) / 25.4 });
    expect(parseLength("3.5in")).toEqual({ ok: true, value: 252 });
    expect(parseLength("240pt")).toEqual({ ok: true, value: 240 });
    expect(parseLength(" 8.5 cm ")).toEqual({ ok: true, value: (8.5 * 72) / 2.54 });
    expect(parseLength("320px")).toEqual({ ok: true, value: 240 });
    expect(parseLength("3.5IN")).toEqual({ ok: true, value: 252 });
  });

  it("refuses widths without a unit, with junk, or out of range, saying what to write", () => {
    expect(parseLength("85")).toEqual({ ok: false, error: '--width: "85" has no unit; write 85mm, 85in or 85pt' });
    expect(parseLength("85m")).toMatchObject({ ok: false, error: expect.stringMatching(/not a length/) });
    expect(parseLength("-85mm")).toMatchObject({ ok: false });
    expect(parseLength("1e3mm")).toMatchObject({ ok: false });
    expect(parseLength("0.1mm")).toMatchObject({ ok: false, error: expect.stringMatching(/outside/) });
    expect(parseLength("")).toMatchObject({ ok: false });
    const long = parseLength("x".repeat(500));
    expect(!long.ok && long.error.length).toBeLessThan(160); // the value is cut, not echoed whole
  });

  it("reads font sizes, dpi, scale and background", () => {
    expect(parseFontSize("8")).toEqual({ ok: true, value: 8 });
    expect(parseFontSize("9.5pt")).toEqual({ ok: true, value: 9.5 });
    expect(parseFontSize("0")).toMatchObject({ ok: false });
    expect(parseFontSize("big")).toMatchObject({ ok: false, error: expect.stringMatching(/^--font-size/) });
    expect(parseDpi("300")).toEqual({ ok: true, value: 300 });
    expect(parseDpi("100000")).toMatchObject({ ok: false, error: expect.stringMatching(/outside/) });
    expect(parseScale("2")).toEqual({ ok: true, value: 2 });
    expect(parseScale("2x")).toEqual({ ok: true, value: 2 });
    expect(parseBackground("transparent")).toEqual({ ok: true, value: "transparent" });
    expect(parseBackground("White")).toEqual({ ok: true, value: "white" });
    expect(parseBackground("black")).toMatchObject({ ok: false, error: expect.stringMatching(/white, transparent/) });
  });

  it("accepts bundled font names and readable .ttf files, and explains anything else", () => {
    expect(parseFont("serif")).toEqual({ ok: true, value: "serif" });
    const ttf = fontFile({ family: "mono", weight: "normal", style: "normal" });
    expect(parseFont(ttf)).toEqual({ ok: true, value: ttf });
    expect(parseFont("Comic Sans")).toMatchObject({ ok: false, error: expect.stringMatching(/bundled font \(sans, serif, mono\)/) });
    expect(parseFont("/nowhere/font.ttf")).toMatchObject({ ok: false, error: expect.stringMatching(/no font file/) });
    const junk = join(tempDir(), "junk.ttf");
    writeFileSync(junk, "not a font");
    expect(parseFont(junk)).toMatchObject({ ok: false, error: expect.stringMatching(/not a readable font/) });
    const woff2 = fontFile({ family: "serif", weight: "normal", style: "normal" }).replace(/\.ttf$/, ".woff2");
    expect(parseFont(woff2)).toMatchObject({ ok: false, error: expect.stringMatching(/\.ttf or \.otf/) });
  });
});

describe("fitting to a printed width", () => {
  it("computes the plain scale and the pixel size resvg makes", () => {
    expect(fitScale(480, 240)).toBe(0.5);
    expect(() => fitScale(0, 240)).toThrow(RangeError);
    expect(pixelSize(240.3, 100.7, 300)).toEqual({ width: 1001, height: 420 });
  });

  it("re-lays out until labels print at the requested size, in a few layouts", async () => {
    const target = (85 * 72) / 25.4;
    const fit = await fitToWidth((s) => layoutFixture(s, 8), target);
    expect(fit.converged).toBe(true);
    expect(fit.layouts).toBeLessThanOrEqual(5);
    const scene = scaleScene(fit.laidOut, fit.finalScale);
    expect(scene.width).toBeCloseTo(target, 9);
    for (const p of scene.primitives) {
      if (p.type === "text" && p.role === "label") expect(p.font.size).toBeCloseTo(8, 3);
    }
  });

  it("solves a linear layout in two layouts", async () => {
    const layouts: number[] = [];
    // 200 pt of geometry plus 300 pt of labels and gaps at scale 1.
    const fit = await fitToWidth((s) => (layouts.push(s), { width: 200 + 300 / s }), 600);
    expect(fit.converged).toBe(true);
    expect(layouts.length).toBeLessThanOrEqual(3);
    expect(fit.finalScale * (200 + 300 / fit.layoutScale)).toBeCloseTo(600, 9);
    expect(fit.layoutScale).toBeCloseTo(1.5, 6); // labels 8/1.5 = 5.33 pt in layout, 8 pt printed
  });

  it("reports a fit that cannot be met instead of looping", async () => {
    // The labels alone are 300 pt at print size: no layout fits 250 pt.
    const fit = await fitToWidth((s) => ({ width: 200 + 300 / s }), 250, { maxLayouts: 8 });
    expect(fit.converged).toBe(false);
    expect(fit.layouts).toBeLessThanOrEqual(8);
    expect(fit.printedFontRatio).toBeLessThan(1);
  });

  it("makes a theme whose text and lines print at their sizes after the fit's scaling", () => {
    const s = 0.5;
    const t = printTheme(paper, { fontSize: 8, layoutScale: s });
    expect(t.text.shape.size * s).toBeCloseTo(8, 9);
    expect(t.text.title.size / t.text.shape.size).toBeCloseTo(paper.text.title.size / paper.text.shape.size, 9);
    expect(t.edge.width * s).toBeCloseTo(paper.edge.width, 9);
    expect(t.frame.dash.map((d) => d * s)).toEqual(paper.frame.dash);
    expect(paper.text.shape.size).toBe(8); // the theme itself is untouched
    const bigger = printTheme(paper, { fontSize: 10, layoutScale: 1, font: "serif" });
    expect(bigger.text.name.size).toBeCloseTo(paper.text.name.size * 1.25, 9);
    expect(bigger.font).toBe("serif");
  });

  it("scales every length of a scene", () => {
    const scene = layoutFixture(1);
    const half = scaleScene(scene, 0.5);
    expect(half.width).toBe(scene.width / 2);
    const i = scene.primitives.findIndex((p) => p.type === "text");
    const [a, b] = [scene.primitives[i]!, half.primitives[i]!];
    if (a.type !== "text" || b.type !== "text") throw new Error("text expected");
    expect(b.font.size).toBe(a.font.size / 2);
    expect(b.width).toBe(a.width / 2);
    expect(b.at).toEqual([a.at[0] / 2, a.at[1] / 2]);
    expect(() => scaleScene(scene, 0)).toThrow(RangeError);
  });
});
