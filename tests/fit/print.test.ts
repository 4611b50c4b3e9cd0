/**
 * Specification tests for printing a figure at a width (src/fit/print.ts): the
 * arrangements the user left open are tried and the one that prints best kept, with every
 * label at the requested size, nothing colliding, blocks large enough to read and the page
 * no taller than the limit; the user's own choices stay as given; without a width the
 * figure keeps its natural size and wraps only as much as keeps it in bounds.
 */
import { describe, expect, it } from "vitest";
import { analyzeSource } from "../../src/pipeline.js";
import { describeChoice, NATURAL_MAX_ASPECT, NATURAL_MAX_WIDTH_PT, printFigure } from "../../src/fit/print.js";
import { printMetrics } from "../../src/fit/metrics.js";
import { buildScene, layout } from "../../src/styles/index.js";
import type { AnalyzedGraph } from "../../src/analyze/types.js";
import { readProjectFile } from "../helpers/netfig.js";

const MM = 72 / 25.4;
const COLUMN = 85 * MM; // 240.94 pt, one column

const cache = new Map<string, AnalyzedGraph>();
function template(name: string): AnalyzedGraph {
  let a = cache.get(name);
  if (!a) {
    a = analyzeSource(readProjectFile(`templates/${name}.netfig`), `${name}.netfig`);
    cache.set(name, a);
  }
  return a;
}

describe("ResNet-18 (templates/resnet18.netfig) at 85 mm, 7 pt labels, 9 in tall at most", () => {
  it("fits: the chosen figure is 240.94 pt wide, no text under 6 pt, no collision, median block ≥ 18 pt, ≤ 648 pt tall", async () => {
    const printed = await printFigure(template("resnet18"), {}, { width: COLUMN, fontSize: 7, maxHeight: 648 }, {});
    expect(printed.fits).toBe(true);
    expect(printed.chosen.faults).toEqual([]);
    const { scene } = printed.chosen;
    expect(Math.abs(scene.width - 240.94)).toBeLessThan(0.01);
    // Measured again from the scene, not taken from the candidate.
    const m = printMetrics(scene);
    expect(m.minFontPt).toBeGreaterThanOrEqual(6);
    expect(m.collisions).toBe(0);
    expect(m.medianBlockPt).toBeGreaterThanOrEqual(18);
    expect(m.heightPt).toBeLessThanOrEqual(648);
    expect(printed.tried).toBeGreaterThan(1);
    const line = describeChoice(printed, "--width 85mm");
    expect(line).toMatch(/^netfig: --width 85mm: /);
    expect(line).toMatch(/(one row|\d+ rows|\d+ columns)/);
    expect(line).not.toMatch(/warning/);
  }, 30_000);

  it("keeps what the request fixes: rows 2, flowing right, not compact stay so in the chosen arrangement", async () => {
    const printed = await printFigure(template("resnet18"), { rows: 2, direction: "right", compact: false }, { width: COLUMN, fontSize: 7, maxHeight: 648 }, {});
    expect(printed.fixed.rows).toBe(true);
    expect(printed.fixed.direction).toBe(true);
    expect(printed.fixed.compact).toBe(true);
    expect(printed.chosen.arrangement.rows).toBe(2);
    expect(printed.chosen.arrangement.direction).toBe("right");
    expect(printed.chosen.arrangement.compact).toBe(false);
    expect(Math.abs(printed.chosen.scene.width - 240.94)).toBeLessThan(0.01);
  }, 30_000);

  it("respects a lower page height (300 pt) when something fits it", async () => {
    const printed = await printFigure(template("resnet18"), {}, { width: COLUMN, fontSize: 7, maxHeight: 300 }, {});
    expect(printed.fits).toBe(true);
    expect(printMetrics(printed.chosen.scene).heightPt).toBeLessThanOrEqual(300 + 0.01);
  }, 30_000);

  it("says when nothing fits an impossible width (25 mm) and still returns the closest, at that width", async () => {
    const printed = await printFigure(template("resnet18"), {}, { width: 25 * MM, fontSize: 7, maxHeight: 648 }, {});
    expect(printed.fits).toBe(false);
    expect(printed.chosen.faults.length).toBeGreaterThan(0);
    expect(Math.abs(printed.chosen.scene.width - 25 * MM)).toBeLessThan(0.01);
    const line = describeChoice(printed, "--width 25mm");
    expect(line).toContain("nothing tried fits");
    expect(line).toContain("--width 25mm");
    // The faults it names are the chosen figure's.
    for (const fault of printed.chosen.faults) expect(line).toContain(fault);
  }, 30_000);
});

describe("U-Net (templates/unet.netfig) at 85 mm", () => {
  it("keeps the U: one piece flowing right", async () => {
    const printed = await printFigure(template("unet"), {}, { width: COLUMN, fontSize: 7, maxHeight: 648 }, {});
    expect(printed.chosen.arrangement.direction).toBe("right");
    expect(printed.chosen.arrangement.rows).toBe(1);
    expect(Math.abs(printed.chosen.scene.width - 240.94)).toBeLessThan(0.01);
  }, 30_000);
});

describe("the unpadded U-Net (templates/unet-original.netfig: every layer a size of its own) at 85 mm, 7 pt labels", () => {
  const PRINT = { width: COLUMN, fontSize: 7, maxHeight: 648 };

  it("fits only with its shapes in two lines (570² over 64), tried after everything else had failed", async () => {
    const printed = await printFigure(template("unet-original"), {}, PRINT, {});
    expect(printed.fits).toBe(true);
    expect(printed.chosen.arrangement.stackShapes).toBe(true);
    expect(printed.chosen.arrangement.rows).toBe(1);
    const m = printMetrics(printed.chosen.scene);
    expect(Math.abs(printed.chosen.scene.width - 240.94)).toBeLessThan(0.01);
    expect(m.minFontPt).toBeGreaterThanOrEqual(6);
    expect(m.collisions).toBe(0);
    expect(m.medianBlockPt).toBeGreaterThanOrEqual(18);
    expect(m.heightPt).toBeLessThanOrEqual(648);
    // One-line shapes came first, in every detail (terse, collapsed), and none fitted.
    const first = printed.all.findIndex((c) => c.arrangement.stackShapes);
    expect(first).toBeGreaterThan(0);
    expect(printed.all.slice(0, first).every((c) => c.faults.length > 0)).toBe(true);
    expect(new Set(printed.all.slice(0, first).map((c) => `${c.arrangement.terse}/${c.arrangement.collapse}`)).size).toBe(4);
    expect(describeChoice(printed, "--width 85mm")).toContain("shapes in two lines");
  }, 60_000);

  it("with stackShapes: false fixed, nothing fits and nothing stacked is tried: the closest prints its text under 6 pt", async () => {
    const printed = await printFigure(template("unet-original"), { stackShapes: false }, PRINT, {});
    expect(printed.fixed.stackShapes).toBe(true);
    expect(printed.fits).toBe(false);
    expect(printed.all.some((c) => c.arrangement.stackShapes)).toBe(false);
    expect(printMetrics(printed.chosen.scene).minFontPt).toBeLessThan(6);
  }, 60_000);

  it("at 178 mm fits with one-line shapes and never tries two", async () => {
    const printed = await printFigure(template("unet-original"), {}, { ...PRINT, width: 178 * MM }, {});
    expect(printed.fits).toBe(true);
    expect(printed.all.some((c) => c.arrangement.stackShapes)).toBe(false);
  }, 60_000);
});

describe("figures that fit with one-line shapes keep them (85 mm)", () => {
  for (const name of ["unet", "resnet18", "googlenet"]) {
    it(`${name}: no arrangement with stacked shapes is tried`, async () => {
      const printed = await printFigure(template(name), {}, { width: COLUMN, fontSize: 7, maxHeight: 648 }, {});
      expect(printed.fits).toBe(true);
      expect(printed.all.some((c) => c.arrangement.stackShapes)).toBe(false);
      // The line about the choice names only the flags that could change it.
      expect(describeChoice(printed, "--width 85mm")).not.toContain("stack-shapes");
    }, 60_000);
  }
});

describe("natural size (no width)", () => {
  // templates/resnet152.netfig folds repeats (figure { foldRepeats: true }); unfolded it is 50 blocks of 3 convs.
  for (const foldRepeats of [undefined, false] as const) {
    it(`ResNet-152${foldRepeats === false ? " unfolded (foldRepeats: false)" : ""} wraps into the fewest rows that keep it ≤ ${NATURAL_MAX_WIDTH_PT} pt wide or ≤ ${NATURAL_MAX_ASPECT}× as wide as tall`, async () => {
      const a = template("resnet152");
      const request = foldRepeats === undefined ? {} : { foldRepeats };
      const printed = await printFigure(a, request, { fontSize: 8, maxHeight: 648 }, {});
      const { widthPt, heightPt } = printMetrics(printed.chosen.scene);
      const inBounds = (w: number, h: number) => w <= NATURAL_MAX_WIDTH_PT || w <= NATURAL_MAX_ASPECT * h;
      expect(inBounds(widthPt, heightPt), `${widthPt.toFixed(0)} × ${heightPt.toFixed(0)} pt`).toBe(true);
      const rows = printed.chosen.arrangement.rows;
      expect(rows).toBeGreaterThan(1);
      // One row fewer would not be.
      const fewer = buildScene(await layout(a, { ...request, rows: rows - 1 }));
      expect(inBounds(fewer.width, fewer.height), `${rows - 1} rows: ${fewer.width.toFixed(0)} × ${fewer.height.toFixed(0)} pt`).toBe(false);
    });
  }

  it("leaves a short network alone (LeNet-5: one row)", async () => {
    const printed = await printFigure(template("lenet5"), {}, { fontSize: 8, maxHeight: 648 }, {});
    expect(printed.chosen.arrangement.rows).toBe(1);
    expect(printed.tried).toBe(1);
  }, 30_000);
});
