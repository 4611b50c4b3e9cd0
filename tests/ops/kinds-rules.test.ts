import { describe, expect, it } from "vitest";
import { analyzeText, diagnosticsOf, shapeOf } from "../helpers/netfig.js";

/** Shape rules, counts, receptive fields and errors of issue 11's layer kinds. */
const layer = (text: string, id: string) => analyzeText(text).layers.find((l) => l.node.id === id)!;
const messages = (text: string) => diagnosticsOf(text).map((d) => d.message);

describe("shapes, parameters and MACs", () => {
  it("crop keeps channels and takes its size or the named layer's", () => {
    expect(shapeOf(analyzeText("x: input 64x64x8\nc: crop 56x56"), "c")).toEqual([56, 56, 8]);
    expect(shapeOf(analyzeText("x: input 64x64x8\ny: input 30x20x3\nc: crop like=y from x"), "c")).toEqual([30, 20, 8]);
  });

  it("embedding: T ids → T×D, V·D parameters (nn.Embedding(25000, 100) has 2,500,000), no MACs", () => {
    const e = layer("t: input 200 tokens=25000\ne: embedding 25000 100", "e");
    expect([e.shape, e.params, e.macs]).toEqual([[200, 100], 2_500_000, 0]);
  });

  it("maxunpool undoes its pool's stride in the receptive field: the jump returns to the pool's input's", () => {
    const text = "x: input 16x16x4\nc: conv 4 3x3 pad=1\np: maxpool 2x2/2\nu: maxunpool indices=p";
    expect([layer(text, "p").jump, layer(text, "u").jump]).toEqual([2, 1]);
    expect(shapeOf(analyzeText(text), "u")).toEqual([16, 16, 4]);
    expect(layer(text, "u").node.inputs).toEqual(["p", "c"]);
  });

  it("maxunpool restores an odd size PyTorch's default output size would not: 7×7 pooled to 3×3 unpools to 7×7", () => {
    expect(shapeOf(analyzeText("x: input 7x7x2\np: maxpool 2x2/2\nu: maxunpool indices=p"), "u")).toEqual([7, 7, 2]);
  });

  it("distance gives one number, or one per element when componentwise", () => {
    expect(shapeOf(analyzeText("a: input 128\nb: input 128\nd: distance cosine from a, b"), "d")).toEqual([1]);
    expect(shapeOf(analyzeText("a: input 128\nb: input 128\nd: distance l1 componentwise from a, b"), "d")).toEqual([128]);
  });

  it("subsample has 2 parameters per map (LeNet's S2: 12) and the pool's receptive-field step", () => {
    const s = layer("x: input 28x28x6\ns: subsample 2x2/2", "s");
    expect([s.shape, s.params, s.macs, s.rf, s.jump]).toEqual([[14, 14, 6], 12, 0, 2, 2]);
  });

  it("rbf has a centre of the input's size per unit: 84·10 = 840 parameters and MACs", () => {
    const r = layer("x: input 84\nr: rbf 10", "r");
    expect([r.shape, r.params, r.macs]).toEqual([[10], 840, 840]);
  });

  it("a conv with a connection table counts only the connected kernels' weights and MACs", () => {
    const c = layer("x: input 6x6x2\nc: conv 3 3x3 table=[[1, 0, 1], [0, 1, 1]]", "c");
    // 4 connected pairs of 3×3 kernels and 3 biases; 4×4 outputs of 4 kernels.
    expect([c.params, c.macs]).toEqual([4 * 9 + 3, 16 * 4 * 9]);
  });
});

describe("bad input gets a clear error", () => {
  it("crop larger than its input", () => {
    expect(messages("x: input 8x8x3\nc: crop 9x9")).toEqual(["crop c: 9x9 is larger than its 8x8x3 input"]);
  });

  it("crop with a size and like=, or like= naming nothing", () => {
    expect(messages("x: input 8x8x3\nc: crop 4x4 like=x")).toEqual(["crop takes a size or like=, not both"]);
    expect(messages("x: input 8x8x3\nc: crop like=nothing")).toEqual(["crop like=: no layer named 'nothing' above this line"]);
  });

  it("embedding of an image, and an id input that is not a sequence", () => {
    expect(messages("x: input 8x8x3\ne: embedding 10 4")).toEqual(["embedding e reads a sequence of token ids (T), got 8x8x3"]);
    expect(messages("x: input 8x8x3 tokens=10")).toEqual(["an input of tokens is a sequence of ids: input T tokens=VOCABULARY"]);
  });

  it("maxunpool without indices=, naming a layer that is not a maxpool, or unpooling another size", () => {
    expect(messages("x: input 8x8x3\nu: maxunpool")).toEqual(["maxunpool needs the max pool whose indices it uses"]);
    expect(messages("x: input 8x8x3\np: avgpool 2x2\nu: maxunpool indices=p")).toEqual(["maxunpool indices=p: p is not a maxpool (it is avgpool); indices= names the max pool whose indices are used"]);
    expect(messages("x: input 8x8x3\np: maxpool 2x2\nc: conv 5 1x1\nu: maxunpool indices=p")).toEqual([
      "maxunpool u: its 4x4x5 input is not the size its pool made (4x4x3)",
    ]);
  });

  it("sample with one input or two of different sizes; distance without one metric", () => {
    expect(messages("m: input 8\nz: sample")).toEqual(["sample z reads a mean and a log-variance, got 1 input"]);
    expect(messages("m: input 8\nv: input 4\nz: sample from m, v")).toEqual(["sample z: the mean is 8, the log-variance 4"]);
    expect(messages("a: input 8\nb: input 8\nd: distance from a, b")).toEqual(["distance needs one metric: l1, l2 or cosine"]);
    expect(messages("a: input 8\nb: input 8\nd: distance cosine componentwise from a, b")).toEqual(["a cosine similarity has no per-element form"]);
  });

  it("a connection table of the wrong size or with values other than 0 and 1", () => {
    expect(messages("x: input 8x8x3\nc: conv 2 3x3 table=[[1, 0], [0, 1]]")).toEqual(["conv c: its table has 2 rows for 3 input maps"]);
    expect(messages("x: input 8x8x2\nc: conv 2 3x3 table=[[1, 2], [0, 1]]")).toEqual(["conv table= holds only 0s and 1s"]);
    expect(messages("x: input 8x8x2\nc: conv 2 3x3 table=[[1, 0], [1, 0]]")).toEqual(["conv table= connects output map 2 to no input"]);
  });
});
