import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { figureOf, layout } from "../../src/styles/index.js";
import { analyzeSource } from "../../src/pipeline.js";
import { summaryOf } from "../helpers/netfig.js";

const TEMPLATES = new URL("../../templates/", import.meta.url).pathname;
const paramsOf = (path: string) => summaryOf(path).layers.map((l) => [l.name, l.params] as const).filter(([, p]) => p > 0);

describe("every template", () => {
  for (const file of readdirSync(TEMPLATES).filter((f) => f.endsWith(".netfig"))) {
    it(`${file} starts with a one-line description`, () => {
      expect(readFileSync(TEMPLATES + file, "utf8")).toMatch(/^# \S.{10,}\n/);
    });
  }
});

// LeCun, Bottou, Bengio & Haffner, "Gradient-based learning applied to document recognition",
// Proc. IEEE 1998, section II.B: per-layer trainable parameters and map sizes.
describe("LeNet-5 as in LeCun et al. (1998)", () => {
  const summary = summaryOf("templates/lenet5-original.netfig");
  const shape = (name: string) => summary.layers.find((l) => l.name === name)!.shape;

  it("has the paper's maps: C1 6@28×28, S2 6@14×14, C3 16@10×10, S4 16@5×5, C5 120, F6 84, 10 outputs", () => {
    expect(["c1", "s2", "c3", "s4", "c5", "f6", "output"].map(shape)).toEqual([
      [28, 28, 6],
      [14, 14, 6],
      [10, 10, 16],
      [5, 5, 16],
      [1, 1, 120],
      [84],
      [10],
    ]);
  });

  it("has the paper's trainable parameters layer by layer: C1 156, S2 12, C3 1,516, S4 32, C5 48,120, F6 10,164", () => {
    expect(paramsOf("templates/lenet5-original.netfig")).toEqual([
      ["c1", 156],
      ["s2", 12],
      ["c3", 1_516],
      ["s4", 32],
      ["c5", 48_120],
      ["f6", 10_164],
      ["output", 840],
    ]);
  });

  it("has the paper's 60,000 trainable parameters up to F6, and 10 RBF centres of 84 values after it", () => {
    const upToF6 = summary.layers.filter((l) => l.name !== "output").reduce((sum, l) => sum + l.params, 0);
    expect(upToF6).toBe(60_000);
    expect(summary.totals.params).toBe(60_000 + 10 * 84);
  });

  it("has the paper's connections: C1 122,304, C3 151,600 (MACs plus one bias per output)", () => {
    const layer = (name: string) => summary.layers.find((l) => l.name === name)!;
    const connections = (name: string) => layer(name).macs + layer(name).shape.slice(0, 3).reduce((a, b) => a * b, 1);
    expect([connections("c1"), connections("c3")]).toEqual([122_304, 151_600]);
  });
});

describe("the neuron-level networks", () => {
  // nn.Linear(in, out) has in·out weights and out biases.
  const linear = (i: number, o: number) => i * o + o;

  it("the perceptron has 3 weights and a bias", () => {
    expect(summaryOf("templates/perceptron.netfig").totals.params).toBe(4);
  });

  it("MATLAB's newff example (1 input, 20 tanh, 1 linear output) has 61 parameters", () => {
    // MathWorks, `newff` documentation: net = newff(P, T, 20) with tansig hidden and purelin output.
    const summary = summaryOf("templates/newff.netfig");
    expect(paramsOf("templates/newff.netfig")).toEqual([
      ["hidden", linear(1, 20)],
      ["output", linear(20, 1)],
    ]);
    expect(summary.totals.params).toBe(61);
  });

  it("the MNIST MLP 784-128-64-10 has 109,386 parameters as PyTorch counts them", () => {
    expect(summaryOf("templates/mlp.netfig").totals.params).toBe(linear(784, 128) + linear(128, 64) + linear(64, 10));
    expect(summaryOf("templates/mlp.netfig").totals.params).toBe(109_386);
  });

  it("the DBN is Hinton, Osindero & Teh's (2006) 784-500-500-2000 stack, weights plus hidden biases", () => {
    const summary = summaryOf("templates/dbn.netfig");
    expect(summary.layers.filter((l) => ["v", "h1", "h2", "h3"].includes(l.name)).map((l) => l.shape)).toEqual([[784], [500], [500], [2000]]);
    expect(summary.totals.params).toBe(linear(784, 500) + linear(500, 500) + linear(500, 2000));
  });

  it("the RBM has 6×4 weights and 4 hidden biases", () => {
    expect(summaryOf("templates/rbm.netfig").totals.params).toBe(6 * 4 + 4);
  });
});

describe("figure style", () => {
  const laidOut = (text: string) => layout(analyzeSource(text, "test.netfig"));

  it("draws networks of vectors and dense layers as neurons, others as blocks", async () => {
    expect(figureOf(await laidOut("input 4\nfc 3 -> relu\nfc 2"), "neurons")?.columns.map((c) => c.size)).toEqual([4, 3, 2]);
    expect((await laidOut("input 8x8x1\nconv 2 3x3\nflatten\nfc 2")).style).toBe("blocks");
    expect((await laidOut('figure { style: blocks }\ninput 4\nfc 3')).style).toBe("blocks");
  });

  it("leaves out the middle of a tall column behind an ellipsis, and adds bias units on request", async () => {
    const figure = figureOf(await laidOut("figure { bias: true }\ninput 784\nfc 10"), "neurons")!;
    const [input, output] = figure.columns;
    expect(input!.neurons.map((n) => n.index)).toEqual([0, 1, 2, 3, 4, 782, 783]);
    expect(input!.ellipsis).toBeDefined();
    expect(input!.bias).toBeDefined();
    expect(output!.bias).toBeUndefined();
  });

  it("refuses neuron style for a network it cannot draw, and says why", async () => {
    await expect(laidOut("figure { style: neurons }\ninput 8x8x1\nconv 2 3x3")).rejects.toThrow(/vector input/);
  });
});

// PyTorch's DCGAN tutorial (nz=100, ngf=ndf=64, bias=False) has 3,576,704 parameters in G and
// 2,765,568 in D; conditioning adds the label's 10 channels to G's first and D's first layer.
describe("conditional DCGAN", () => {
  const networks = (path: string) => analyzeSource(readFileSync(new URL(`../../${path}`, import.meta.url), "utf8"), path).networks;
  const [generator, discriminator] = networks("templates/gan.netfig");

  it("the generator maps noise and label to a 64×64×3 image", () => {
    expect(generator!.layers.at(-1)!.shape).toEqual([64, 64, 3]);
    expect(generator!.totals.params).toBe(3_576_704 + 10 * 512 * 4 * 4);
  });

  it("the discriminator maps an image and its label maps to one probability", () => {
    expect(discriminator!.layers.at(-1)!.shape).toEqual([1, 1, 1]);
    expect(discriminator!.totals.params).toBe(2_765_568 + 10 * 64 * 4 * 4);
  });
});

describe("the RNN", () => {
  it("is PyTorch's nn.RNN(8, 16) (two bias vectors) then nn.Linear(16, 4) at every one of 20 steps", () => {
    const summary = summaryOf("templates/rnn.netfig");
    expect(paramsOf("templates/rnn.netfig")).toEqual([
      ["h", 8 * 16 + 16 * 16 + 16 + 16],
      ["y", 16 * 4 + 4],
    ]);
    expect(summary.layers.at(-1)!.shape).toEqual([20, 4]);
  });

  it("is drawn folded with its loop, and unrolled over steps 1, 2, 3, …, 20", async () => {
    const figure = figureOf(await layout(analyzeSource(readFileSync(`${TEMPLATES}rnn.netfig`, "utf8"), "rnn.netfig")), "sequence")!;
    expect(figure.links.filter((l) => l.loop).map((l) => l.from)).toEqual(["h"]);
    expect(figure.nodes.filter((n) => n.role === "recurrent").map((n) => n.symbol)).toEqual(["h", "h₁", "h₂", "h₃", "h₂₀"]);
  });
});
