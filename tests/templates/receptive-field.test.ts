import { describe, expect, it } from "vitest";
import { buildScene, figureOf, layout } from "../../src/styles/index.js";
import { checkScene } from "../../src/scene/check.js";
import { analyzeSource } from "../../src/pipeline.js";
import { readProjectFile } from "../helpers/netfig.js";

describe("the receptive-field figure", () => {
  const analyzed = analyzeSource(readProjectFile("templates/receptive-field.netfig"), "receptive-field.netfig");

  it("draws every layer's map: 10×10, 8×8, 6×6, 4×4, 2×2, 1×1", async () => {
    const receptive = figureOf(await layout(analyzed), "receptive");
    expect(receptive!.grids.map((g) => [g.rows, g.cols])).toEqual([[10, 10], [8, 8], [6, 6], [4, 4], [2, 2], [1, 1]]);
  });

  it("marks the analysis' fields on the input, nested around the centre: 3, 5, 7, 9, 10", async () => {
    const receptive = figureOf(await layout(analyzed), "receptive");
    expect(receptive!.fields.map((f) => f.size)).toEqual(analyzed.networks[0]!.layers.slice(1).map((l) => l.rf));
    expect(receptive!.fields.map((f) => [f.size, f.row, f.col])).toEqual([[3, 3, 3], [5, 2, 2], [7, 1, 1], [9, 0, 0], [10, 0, 0]]);
    expect(receptive!.legend.map((l) => l.label.text)).toEqual(["conv1: 3×3", "conv2: 5×5", "conv3: 7×7", "conv4: 9×9", "pool: 10×10"]);
  });

  it("passes the geometric check", async () => {
    expect(checkScene(buildScene(await layout(analyzed)))).toEqual([]);
  });

  it("says which networks it cannot draw", async () => {
    const padded = analyzeSource("figure {\n  style: receptive\n}\ninput 8x8x1\nc: conv 1 3x3 pad=1\n", "t.netfig");
    await expect(layout(padded)).rejects.toThrow("figure: style receptive cannot draw t: c is padded (the style draws unpadded layers)");
  });
});
