import { afterAll, describe, expect, it } from "vitest";
import { LiteralWeights, literalInputs } from "../../src/execute/literal.js";
import { ComputePool } from "../../src/engine/pool.js";
import { runNetwork } from "../../src/execute/run.js";
import { SeededWeights } from "../../src/engine/weights.js";
import { NetfigError } from "../../src/lang/diagnostics.js";
import { buildScene, figureOf, layout } from "../../src/styles/index.js";
import { checkScene } from "../../src/scene/check.js";
import { analyzeSource } from "../../src/pipeline.js";
import { diagnosticsOf, readProjectFile } from "../helpers/netfig.js";

const source = readProjectFile("templates/edge-detection.netfig");

describe("literal tensors: values= on an input, weights= on a conv", () => {
  it("compile to flat values with their written shape", () => {
    const [image, edges] = analyzeSource(source, "edge-detection.netfig").networks[0]!.layers;
    expect(image!.node.attrs["valuesShape"]).toEqual([6, 6]);
    expect((image!.node.attrs["values"] as number[]).slice(0, 6)).toEqual([3, 0, 1, 2, 7, 4]);
    expect(edges!.node.attrs["weights"]).toEqual([1, 0, -1, 1, 0, -1, 1, 0, -1]);
  });

  it("report rows of different lengths, misplaced literals and values that do not fit the input", () => {
    expect(diagnosticsOf("input 2x2x1 values=[[1, 2], [3]]\n")[0]!.message).toBe("row 2 of the list is not like row 1 (2 values)");
    expect(diagnosticsOf("input 2x2x1 values=[1, [2]]\n")[0]!.message).toBe("the list mixes numbers and lists");
    expect(diagnosticsOf("input 2x2x1 values=[[1, 2], same]\n")[0]!.message).toBe("row 2 of the list is not like row 1 (2 values)");
    expect(diagnosticsOf("input 2x2x1\nrelu weights=[1]\n")[0]!.message).toBe("relu has no setting 'weights'");
    expect(diagnosticsOf("input 2x2x1 values=[1, 2, 3]\n")[0]!.message).toBe("values= is 3, the input is 1×2×2 (C×H×W)");
    expect(diagnosticsOf("input 2x2x1 values=3\n")[0]!.message).toBe("values= needs a list of numbers");
  });
});

describe("the engine reads literal tensors", () => {
  const pool = new ComputePool(1);
  afterAll(() => pool.close());
  const run = (text: string) => {
    const network = analyzeSource(text, "t.netfig").networks[0]!;
    return runNetwork(network, { weights: new LiteralWeights(network, new SeededWeights(0)), pool, seed: 0, inputs: literalInputs(network) });
  };

  it("an fc's weight is PyTorch's [out, in]", async () => {
    const outputs = await run("input 4 values=[1, 2, 3, 4]\nout: fc 2 bias=false weights=[[1, 0, 0, 0], [0, 0, 0, 1]]\n");
    expect(Array.from(outputs.get("out")!.data)).toEqual([1, 4]);
  });

  it("a weight of the wrong shape is an error at the layer", async () => {
    const error = await run("input 6x6x1\nc: conv 1 3x3 weights=[1, 2]\n").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetfigError);
    expect((error as NetfigError).diagnostics[0]!.message).toBe("conv c: weights= is 2, the layer's weight is 1×1×3×3");
  });
});

describe("the 6×6 edge-detection figure (Andrew Ng's example)", () => {
  it("shows the output the engine computes: -5 -4 0 8 / -10 -2 2 3 / 0 -2 -4 -7 / -3 -2 -3 -16", async () => {
    const laidOut = await layout(analyzeSource(source, "edge-detection.netfig"));
    const figure = figureOf(laidOut, "arithmetic")!;
    const output = figure.grids.find((g) => g.role === "output")!;
    expect(output.values.map((v) => v.text.replace("−", "-")).map(Number)).toEqual([-5, -4, 0, 8, -10, -2, 2, 3, 0, -2, -4, -7, -3, -2, -3, -16]);
    expect(figure.formula!.map((l) => l.text).join(" ")).toBe("3·1 + 0·0 + 1·(−1) + 1·1 + 5·0 + 8·(−1) + 2·1 + 7·0 + 2·(−1) = −5");
    expect(checkScene(buildScene(laidOut))).toEqual([]);
  });

  it("says which networks the style cannot draw", async () => {
    const analyzed = analyzeSource("figure {\n  style: arithmetic\n}\ninput 6x6x3\nconv 1 3x3\n", "t.netfig");
    await expect(layout(analyzed)).rejects.toThrow(/style arithmetic cannot draw t: it does not start with one single-channel image input/);
  });
});
