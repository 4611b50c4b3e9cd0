/**
 * The neuron, arithmetic and receptive styles at a narrow width: asked for more rows
 * (`options.rows`, which print sizing tries for `--width`), they break captions, the
 * equation and the grids into rows instead of shrinking their text, say in `figure.rows`
 * how many they made, and fit 85 mm with labels at 7 pt where one row cannot. Natural size
 * (one row) is what the gallery and the snapshots hold.
 */
import { describe, expect, it } from "vitest";
import { analyzeSource } from "../../src/pipeline.js";
import { checkScene } from "../../src/scene/check.js";
import { buildScene, figureOf, layout, type LaidOutGraph } from "../../src/styles/index.js";
import { fitToWidth, printTheme } from "../../src/fit/width.js";
import { getTheme } from "../../src/themes/index.js";
import { balancedBreaks, measuredLines, words } from "../../src/layout/measured.js";
import { readProjectFile } from "../helpers/netfig.js";

const MM = 72 / 25.4;
const template = (name: string) => analyzeSource(readProjectFile(`templates/${name}.netfig`), `${name}.netfig`);
const paper = getTheme("paper");

/** Laid out for labels printing at 7 pt once scaled by 1/`u` (what `--width` asks of a layout). */
async function at(name: string, rows: number, u = 1): Promise<LaidOutGraph> {
  return layout(template(name), { rows, customTheme: printTheme(paper, { fontSize: 7, layoutScale: 1 / u }) });
}

/** Whether the figure laid out in `rows` rows fits `mm` with its labels at 7 pt, as print sizing fits it. */
async function fits(name: string, rows: number, mm: number): Promise<boolean> {
  const fit = await fitToWidth(async (s) => buildScene(await layout(template(name), { rows, customTheme: printTheme(paper, { fontSize: 7, layoutScale: s }) })), mm * MM, { maxLayouts: 4 });
  return fit.converged;
}

describe("breaking into lines: balancedBreaks, measuredLines", () => {
  it("breaks where the widest line is narrowest, for every count of lines", () => {
    const widths = [3, 3, 3, 3];
    const widthOf = (from: number, to: number) => widths.slice(from, to).reduce((a, b) => a + b, 0);
    const breaks = balancedBreaks(4, 4, widthOf);
    expect(breaks.map((b) => [b.ends.length, b.width])).toEqual([[1, 12], [2, 6], [3, 6], [4, 3]]);
    expect(breaks[1]!.ends).toEqual([2, 4]);
    for (const { ends, width } of breaks) expect(Math.max(...ends.map((end, k) => widthOf(k === 0 ? 0 : ends[k - 1]!, end)))).toBe(width);
    expect(balancedBreaks(2, 5, widthOf).map((b) => b.ends)).toEqual([[2], [1, 2]]);
  });

  it("writes a caption in fewer lines when more would be no narrower, and drops the space at a break", () => {
    const lines = (text: string, n: number) => measuredLines(paper, "label-name", "name", words(text), n).map((l) => l.text);
    expect(lines("hidden units h¹", 1)).toEqual(["hidden units h¹"]);
    expect(lines("hidden units h¹", 2)).toEqual(["hidden", "units h¹"]);
    expect(lines("tanh", 3)).toEqual(["tanh"]);
    expect(measuredLines(paper, "f", "shape", ["3·1", " + 0·0", " + 5·2 = 10"], 2).map((l) => l.text)).toEqual(["3·1 + 0·0", "+ 5·2 = 10"]);
  });
});

describe("neurons at a narrow width", () => {
  it("keeps captions on one line at natural size, and breaks them between words when asked for rows", async () => {
    const one = figureOf(await at("dbn", 1), "neurons")!;
    expect(one.rows).toBe(1);
    expect(one.columns[1]!.labels.map((l) => l.text)).toEqual(["hidden units h¹", "∈ ℝ⁵⁰⁰", "sigmoid"]);
    const two = figureOf(await at("dbn", 2), "neurons")!;
    expect(two.rows).toBe(2);
    expect(two.columns[1]!.labels.map((l) => l.text)).toEqual(["hidden", "units h¹", "∈ ℝ⁵⁰⁰", "sigmoid"]);
    // No caption has more words than three: a fourth row is not made.
    expect(figureOf(await at("dbn", 4), "neurons")!.rows).toBe(3);
  });

  it("fits the DBN and the MLP into 85 mm with labels at 7 pt once captions break, and not before", async () => {
    for (const name of ["dbn", "mlp"]) {
      expect(await fits(name, 1, 85), `${name} in one line`).toBe(false);
      expect(await fits(name, 2, 85), `${name} in two lines`).toBe(true);
    }
  });

  it("keeps neurons a visible size beside their text where text dominates", async () => {
    const figure = figureOf(await at("mlp", 1, 4), "neurons")!;
    // Labels print at 7 pt after scaling by 1/4: a neuron keeps a radius of at least 0.6 of that.
    expect(figure.radius / 4).toBeGreaterThanOrEqual(0.6 * 7 - 1e-9);
  });

  it("writes the bias unit's +1 in the theme's detail size, in a circle large enough for it", async () => {
    const u = 2;
    const laidOut = await at("newff", 1, u);
    const figure = figureOf(laidOut, "neurons")!;
    const theme = laidOut.theme!;
    const bias = buildScene(laidOut).primitives.find((p) => p.type === "text" && p.role === "label-bias");
    expect(bias?.type === "text" && bias.font.size).toBe(theme.text.detail.size);
    expect(bias?.type === "text" && bias.font.size / u).toBeGreaterThanOrEqual(6);
    expect(figure.biasRadius!).toBeGreaterThan(bias!.type === "text" ? bias.width / 2 : Infinity);
    expect(checkScene(buildScene(laidOut))).toEqual([]);
  });
});

describe("the arithmetic figure at a narrow width", () => {
  it("sets input ∗ filter = output in as many rows as asked, up to one a grid, the operator starting a continued row", async () => {
    const one = figureOf(await at("edge-detection", 1), "arithmetic")!;
    expect(one.rows).toBe(1);
    const two = figureOf(await at("edge-detection", 2), "arithmetic")!;
    expect(two.rows).toBe(2);
    const [input, filter, output] = two.grids;
    expect(filter!.origin[1]).toBeGreaterThan(input!.origin[1] + input!.rows * input!.cell);
    expect(output!.origin[1]).toBeCloseTo(filter!.origin[1] - (output!.rows - filter!.rows) * filter!.cell / 2, 6);
    const [times] = two.operators;
    expect(times!.at[0]).toBeLessThan(filter!.origin[0]);
    expect(figureOf(await at("edge-detection", 5), "arithmetic")!.rows).toBe(3);
    expect(checkScene(buildScene(await at("edge-detection", 2)))).toEqual([]);
  });

  it("breaks the written-out sum before a + where the grids are narrower than it", async () => {
    const figure = figureOf(await at("edge-detection", 2, 1.2), "arithmetic")!;
    expect(figure.formula!.length).toBeGreaterThan(1);
    expect(figure.formula!.slice(1).every((l) => l.text.startsWith("+ "))).toBe(true);
    expect(figure.formula!.map((l) => l.text).join(" ")).toBe("3·1 + 0·0 + 1·(−1) + 1·1 + 5·0 + 8·(−1) + 2·1 + 7·0 + 2·(−1) = −5");
  });

  it("fits 85 mm with its numbers at 7 pt in two rows, which one row cannot", async () => {
    expect(await fits("edge-detection", 1, 85)).toBe(false);
    expect(await fits("edge-detection", 2, 85)).toBe(true);
    expect(await fits("edge-detection", 1, 178)).toBe(true);
  });
});

describe("the receptive-field figure at a narrow width", () => {
  it("wraps its grids into the rows asked for, in order, an arrow starting each continued row", async () => {
    const figure = figureOf(await at("receptive-field", 3), "receptive")!;
    expect(figure.rows).toBe(3);
    expect(figure.arrows).toHaveLength(5);
    const tops = figure.grids.map((g) => g.origin[1]);
    expect(tops[1]).toBeGreaterThan(tops[0]! + 10 * figure.cell);
    expect(tops[3]).toBeGreaterThan(tops[1]! + 8 * figure.cell);
    expect(figureOf(await at("receptive-field", 9), "receptive")!.rows).toBe(6);
    expect(checkScene(buildScene(await at("receptive-field", 3)))).toEqual([]);
  });

  it("keeps its legend within the grids, in lines", async () => {
    const laidOut = await at("receptive-field", 3);
    const figure = figureOf(laidOut, "receptive")!;
    const right = Math.max(...figure.legend.map((l) => l.label.at[0] + l.label.width));
    expect(right).toBeLessThanOrEqual(laidOut.width + 1e-6);
    expect(new Set(figure.legend.map((l) => l.swatch[1])).size).toBeGreaterThan(1);
  });

  it("fits 85 mm with labels at 7 pt in three rows, which one or two cannot", async () => {
    expect(await fits("receptive-field", 1, 85)).toBe(false);
    expect(await fits("receptive-field", 2, 85)).toBe(false);
    expect(await fits("receptive-field", 3, 85)).toBe(true);
    expect(await fits("receptive-field", 1, 178)).toBe(true);
  });
});
