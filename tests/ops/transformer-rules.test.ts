import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyzeText, diagnosticsOf, root } from "../helpers/netfig.js";

/**
 * Shape rules, parameters and MACs of issue 15's Transformer layer kinds against PyTorch
 * (tests/fixtures/torch/transformer_ops.py, torch 1.13: each case the layer as netfig writes
 * it, the module it stands for, and PyTorch's output shape, numel sum and counted products).
 */
interface Count {
  kind: string;
  netfig: string;
  module: string;
  shape: number[];
  params: number;
  macs: number;
}
const counts: Count[] = JSON.parse(readFileSync(`${root}/tests/fixtures/torch/transformer_ops.json`, "utf8")).counts;
const layer = (text: string, id = "layer") => analyzeText(text).layers.find((l) => l.node.id === id)!;
const messages = (text: string) => diagnosticsOf(text).map((d) => d.message);

describe.each(counts.map((c) => [c.netfig.split("\n").at(-1)!.replace("layer: ", ""), c] as const))("%s", (_written, torch) => {
  it(`has ${torch.module}'s shape ${torch.shape.join("×")}, ${torch.params} parameters and ${torch.macs} MACs`, () => {
    const ours = layer(torch.netfig);
    expect([ours.shape, ours.params, ours.macs]).toEqual([torch.shape, torch.params, torch.macs]);
  });
});

describe("what the fixture cannot show", () => {
  it("covers every new kind", () => {
    expect(new Set(counts.map((c) => c.kind))).toEqual(new Set(["layernorm", "gelu", "attention", "patchembed", "clstoken", "posembed", "token"]));
  });

  it("attention with kv= reads the named layer as its second input", () => {
    const cross = layer("memory: input 13x24\nquery: input 7x32\nlayer: attention heads=4 kv=memory");
    expect(cross.node.inputs).toEqual(["query", "memory"]);
    expect(cross.node.attrs).toEqual({ heads: 4, causal: false, bias: true, kv: "memory" });
  });

  it("patchembed steps its receptive field by the patch: 16 and 16 for ViT-B/16's patches", () => {
    const patches = layer("input 224x224x3\nlayer: patchembed 768 16x16");
    expect([patches.rf, patches.jump]).toEqual([16, 16]);
  });

  it("attention sees the whole image: each token's field is its 16×16 patch before, all 224×224 after", () => {
    const text = "input 224x224x3\npatches: patchembed 768 16x16\nmlp: fc 768\nlayer: attention heads=12\nadd {\n  fc 768\n  shortcut\n}";
    const network = analyzeText(text);
    const rf = (id: string) => network.layers.find((l) => l.node.id === id)!.rf;
    expect([rf("patches"), rf("mlp"), rf("layer"), rf("add_1")]).toEqual([16, 16, 224, 224]);
  });

  it("a sequence that never was an image has no receptive field, before or after attention", () => {
    expect(layer("input 10x32\nlayer: attention heads=4").rf).toBeUndefined();
  });

  it("the aliases name the same kinds", () => {
    const kinds = (text: string) => analyzeText(text).layers.slice(1).map((l) => l.node.op);
    expect(kinds("input 32x32x3\npatches 8 8x8\nclasstoken\npositional\nln\nmha heads=2\nlayer_norm\ngelu\ntoken")).toEqual([
      "patchembed", "clstoken", "posembed", "layernorm", "attention", "layernorm", "gelu", "token",
    ]);
  });

  it("embedding, clstoken and posembed are embeddings, attention its own category", async () => {
    const { findOp } = await import("../../src/ops/index.js");
    expect(["embedding", "clstoken", "posembed", "attention", "patchembed", "layernorm", "gelu", "token"].map((k) => findOp(k)!.category)).toEqual([
      "embedding", "embedding", "embedding", "attention", "conv", "norm", "activation", "reshape",
    ]);
  });
});

describe("bad input gets a clear error", () => {
  it("attention without heads, heads that do not divide the features, or kv= naming nothing", () => {
    expect(messages("input 10x32\nlayer: attention")).toEqual(["attention needs a number of heads"]);
    expect(messages("input 10x30\nlayer: attention heads=4")).toEqual(["attention layer: 30 features do not split into 4 heads"]);
    expect(messages("input 10x32\nlayer: attention heads=4 kv=encoder")).toEqual(["attention kv=: no layer named 'encoder' above this line"]);
  });

  it("attention on an image, a causal mask over another length, several inputs without kv=", () => {
    expect(messages("input 8x8x3\nlayer: attention heads=1")).toEqual(["attention layer needs a TxD sequence (steps x features), got 8x8x3"]);
    expect(messages("m: input 10x32\nq: input 5x32\nlayer: attention heads=4 kv=m causal")).toEqual([
      "attention layer: a causal mask needs as many keys as queries, got 5 queries and 10 keys",
    ]);
    expect(messages("a: input 10x32\nb: input 10x32\nlayer: attention heads=4 from a, b")).toEqual(["attention layer reads one sequence, got 2 inputs"]);
  });

  it("patchembed on a size the patch does not divide, or on a sequence", () => {
    expect(messages("input 30x30x3\nlayer: patchembed 64 16")).toEqual(["patchembed layer: its 30x30x3 input does not divide into 16x16 patches"]);
    expect(diagnosticsOf("input 30x30x3\nlayer: patchembed 64 16")[0]!.hint).toBe("the height and width must be multiples of the patch size: e.g. input 32x32x3");
    expect(messages("input 10x32\nlayer: patchembed 64 16")).toEqual(["patchembed layer needs an HxWxC input, got 10x32"]);
    expect(messages("input 32x32x3\nlayer: patchembed 64")).toEqual(["patchembed needs a token size and a patch size"]);
  });

  it("a position table shorter than the sequence, and sinusoids with a table", () => {
    expect(messages("input 600x768\nlayer: posembed max=512")).toEqual(["posembed layer: a table of 512 positions cannot embed 600 steps"]);
    expect(messages("input 60x768\nlayer: posembed sinusoidal max=512")).toEqual(["posembed: sinusoidal embeddings are fixed, so they take no learned or max="]);
  });

  it("token outside the sequence, clstoken on an image", () => {
    expect(messages("input 10x32\nlayer: token 10")).toEqual(["token layer: step 10 is outside its 10 steps"]);
    expect(messages("input 10x32\nlayer: token -11")).toEqual(["token layer: step -11 is outside its 10 steps"]);
    expect(messages("input 8x8x3\nlayer: clstoken")).toEqual(["clstoken layer needs a TxD sequence (steps x features), got 8x8x3"]);
  });

  it("layernorm eps that is not positive, gelu with an unknown approximation", () => {
    expect(messages("input 10x32\nlayer: layernorm eps=0")).toEqual(["layernorm: eps must be greater than 0, got 0"]);
    expect(messages("input 10x32\nlayer: gelu approximate=sigmoid")).toEqual(["approximate must be one of none, tanh, got 'sigmoid'"]);
    expect(messages("input 10x32\nlayer: gelu fast")).toEqual(["gelu: unknown word 'fast'"]);
  });
});
