import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze/analyze.js";
import type { LayerAnalysis } from "../../src/analyze/types.js";
import { ComputePool } from "../../src/engine/pool.js";
import type { Tensor } from "../../src/engine/tensor.js";
import type { WeightSource } from "../../src/engine/weights.js";
import { runNetwork } from "../../src/execute/run.js";
import { importOnnx } from "../../src/import/onnx/import.js";
import { transformerStructure } from "../../src/layout/transformer/structure.js";
import { OnnxWeights } from "../../src/import/onnx/weights.js";
import { analyzeSource } from "../../src/pipeline.js";
import { root } from "../helpers/netfig.js";
import { scratchDir } from "../helpers/temp.js";
import { encodeModel } from "./onnx-build.js";

/**
 * Transformers as PyTorch 1.13 exports them with export_params=False
 * (tests/fixtures/onnx/transformers/generate.py): torchvision's vit_b_16, nn.TransformerEncoder
 * post-norm and pre-norm (opset 14, and 17 where LayerNormalization is an operator), an
 * nn.Transformer encoder–decoder with the causal mask, nn.GELU both ways with nn.LayerNorm,
 * and a small BERT-like encoder. The references are PyTorch's: sum(p.numel()), and per
 * module the output shape, parameters and MACs from forward hooks (attention counted as
 * fvcore does: the four projections, QKᵀ and AV).
 */

const FIXTURES = join(root, "tests/fixtures/onnx/transformers");

/** [module path, module type, output shape, parameters, MACs] at the module's first call. */
type HookedLayer = [string, string, number[], number, number];

interface Reference {
  model: string;
  inputs: number[][];
  output: number[];
  params: number;
  macs: number;
  layers: HookedLayer[];
}

const REFERENCES: Reference[] = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(join(FIXTURES, f), "utf8")) as Reference);

function load(model: string) {
  const onnx = importOnnx(gunzipSync(readFileSync(join(FIXTURES, `${model}.onnx.gz`))), `${model}.onnx`);
  return { onnx, network: analyze(onnx.graph).networks[0]! };
}

/** A layer by its module path, or without the wrapper's first part (`encoder.`) when every layer shares it, as netfig drops it. */
function layerAt(byId: ReadonlyMap<string, LayerAnalysis>, path: string): LayerAnalysis | undefined {
  return byId.get(path) ?? byId.get(path.slice(path.indexOf(".") + 1));
}

/** The modules that hold parameters or compute, each of which must be a layer of its own. */
const COUNTED = /Conv|Linear|LayerNorm|MultiheadAttention|Embedding/;

describe("Transformers exported by PyTorch import as the language's layers", () => {
  it("has every export the generator writes", () => {
    expect(REFERENCES.map((r) => r.model).sort()).toEqual(["activations", "bert_like", "causal_bool_mask", "cross_kdim", "encoder_decoder", "encoder_postnorm", "encoder_prenorm", "encoder_prenorm_opset17", "vit_b_16", "vit_b_16_opset17"]);
  });

  it.each(REFERENCES.map((r) => [r.model, r] as const))("%s: totals are sum(p.numel()) and the hooks' MACs, every hooked module has its shape, params and MACs, no plain block", (_name, reference) => {
    const { onnx, network } = load(reference.model);
    expect(network.totals.params).toBe(reference.params);
    expect(network.totals.macs).toBe(reference.macs);
    const inputs = network.layers.filter((l) => l.node.op === "input");
    expect(inputs.map((l) => l.shape)).toEqual(reference.inputs);
    expect(network.layers[network.layers.length - 1]!.shape).toEqual(reference.output);
    expect(network.layers.filter((l) => l.node.op === "opaque").map((l) => l.node.label)).toEqual([]);
    expect(onnx.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/graph inputs are parameters without values \(an export_params=False export\)/)]);
    const byId = new Map(network.layers.map((l) => [l.node.id, l]));
    for (const [path, type, shape, params, macs] of reference.layers) {
      const layer = layerAt(byId, path);
      if (COUNTED.test(type)) expect(layer, `${path} (${type})`).toBeDefined();
      // patchembed is torchvision's conv_proj and the flatten(2).transpose(1, 2) after it: the conv's H·W positions are its tokens.
      const expected = layer?.node.op === "patchembed" ? [shape[0]! * shape[1]!, shape[2]!] : shape;
      if (layer) expect([layer.shape, layer.params, layer.macs], `${path} (${type})`).toEqual([expected, params, macs]);
    }
  });

  it("torchvision's ViT-B/16: 86,567,656 parameters and 17.56 G MACs, layer for layer the network written in the language", () => {
    const { network } = load("vit_b_16");
    expect(network.totals.params).toBe(86_567_656);
    // torchvision documents 17.56 GFLOPS for ViT_B_16_Weights.IMAGENET1K_V1 (multiply-adds, fvcore's count).
    expect(network.totals.macs).toBe(17_563_828_224);
    const written = analyzeSource(
      `input 224x224x3
conv_proj: patchembed 768 16x16
class_token: clstoken
pos_embedding: posembed
block encoder_layer() {
  add {
    ln_1: layernorm eps=1e-6 -> self_attention: attention heads=12
    shortcut
  }
  add {
    ln_2: layernorm eps=1e-6 -> mlp.0: fc 3072 -> gelu -> mlp.3: fc 768
    shortcut
  }
}
repeat 12 encoder_layer()
ln: layernorm eps=1e-6
token 0
head: fc 1000
`,
      "vit.netfig",
    ).networks[0]!;
    expect(network.totals.macs).toBe(written.totals.macs);
    expect(network.totals.params).toBe(written.totals.params);
    const kinds = (layers: typeof network.layers) => layers.filter((l) => l.node.op !== "input").map((l) => [l.node.op, l.shape, l.params, l.macs]);
    expect(kinds(network.layers)).toEqual(kinds(written.layers));
    const attention = network.layers.filter((l) => l.node.op === "attention");
    expect(attention.map((l) => l.node.attrs)).toEqual(Array.from({ length: 12 }, () => ({ heads: 12, causal: false, bias: true })));
    expect(network.layers.filter((l) => l.node.op === "layernorm").map((l) => l.node.attrs.eps)).toEqual(Array<number>(25).fill(1e-6));
  });

  it("torchvision's ViT-B/16 draws as the template does: encoder.layers.encoder_layer_0…11 are one repeat of 12, framed ×12 in the Transformer style", () => {
    const { onnx, network } = load("vit_b_16");
    const repeats = onnx.graph.networks[0]!.frames.filter((f) => f.repeat?.index === 0).map((f) => [f.id, f.repeat!.count]);
    // The first add is named after its module (`encoder_layer_0`), so the frame takes the next id.
    expect(repeats).toEqual([["encoder.layers.encoder_layer_0#frame", 12]]);
    const structure = transformerStructure(network);
    if (typeof structure === "string") throw new Error(structure);
    expect(structure.columns.map((c) => c.stacks.map((s) => s.count))).toEqual([[12]]);
  });

  it("netfig summary and render read the ViT-B/16 export: its totals, and a PNG", () => {
    const dir = scratchDir();
    const file = join(dir, "vit_b_16.onnx");
    writeFileSync(file, gunzipSync(readFileSync(join(FIXTURES, "vit_b_16.onnx.gz"))));
    const netfig = (...args: string[]) => spawnSync(process.execPath, [join(root, "bin/netfig.js"), ...args], { cwd: root, encoding: "utf8" });
    const summary = netfig("summary", file, "--json");
    expect(summary.status, summary.stderr).toBe(0);
    expect(JSON.parse(summary.stdout).networks[0].totals).toMatchObject({ params: 86_567_656, macs: 17_563_828_224 });
    const render = netfig("render", file, "-o", join(dir, "vit.png"), "--width", "178mm");
    expect(render.status, render.stderr).toBe(0);
    expect(readFileSync(join(dir, "vit.png")).subarray(1, 4).toString()).toBe("PNG");
  }, 60_000);

  it("the encoder–decoder's cross-attention reads the encoder's output as kv=, the decoder's self-attention is causal", () => {
    const { network } = load("encoder_decoder");
    const attention = network.layers.filter((l) => l.node.op === "attention").map((l) => [l.node.id, l.node.attrs]);
    const self = { heads: 4, causal: false, bias: true };
    expect(attention).toEqual([
      ["encoder.layers.0.self_attn", self],
      ["encoder.layers.1.self_attn", self],
      ["decoder.layers.0.self_attn", { ...self, causal: true }],
      ["decoder.layers.0.multihead_attn", { ...self, kv: "encoder.norm" }],
      ["decoder.layers.1.self_attn", { ...self, causal: true }],
      ["decoder.layers.1.multihead_attn", { ...self, kv: "encoder.norm" }],
    ]);
    const cross = network.layers.find((l) => l.node.id === "decoder.layers.0.multihead_attn")!;
    expect(cross.node.inputs).toEqual(["decoder.layers.0.norm1", "encoder.norm"]);
  });

  it("a boolean causal mask (torch.triu of ones, made additive by nn.MultiheadAttention) is causal too", () => {
    const { network } = load("causal_bool_mask");
    expect(network.layers.find((l) => l.node.op === "attention")!.node.attrs).toEqual({ heads: 4, causal: true, bias: true });
  });

  it("nn.GELU() and nn.GELU('tanh') import as gelu and gelu tanh, nn.LayerNorm(eps=1e-6) as layernorm eps=1e-6", () => {
    const { network } = load("activations");
    expect(network.layers.map((l) => [l.node.id, l.node.op, l.node.attrs])).toEqual([
      ["input", "input", { shape: [8, 32] }],
      ["fc1", "fc", { units: 64, bias: true }],
      ["gelu", "gelu", { approximate: "none" }],
      ["fc2", "fc", { units: 64, bias: true }],
      ["gelu_tanh", "gelu", { approximate: "tanh" }],
      ["norm", "layernorm", { eps: 1e-6, affine: true }],
    ]);
  });

  it("opset 17's LayerNormalization imports as opset 14's decomposition does", () => {
    const layers = (model: string) => load(model).network.layers.map((l) => [l.node.id, l.node.op, l.node.attrs, l.shape, l.params, l.macs]);
    expect(layers("encoder_prenorm_opset17")).toEqual(layers("encoder_prenorm"));
  });

  it("BERT's position embeddings gathered from a table of 128 positions are posembed max=128, the pooler reads token 0", () => {
    const { network } = load("bert_like");
    const byId = new Map(network.layers.map((l) => [l.node.id, l]));
    expect(byId.get("position_embeddings")!.node).toMatchObject({ op: "posembed", attrs: { kind: "learned", positions: 128 } });
    expect(byId.get("position_embeddings")!.params).toBe(128 * 64);
    expect(network.layers.find((l) => l.node.op === "token")!.node.attrs).toEqual({ index: 0 });
  });

  it("in an export_params=False file, biases and norms' weights read by Add and Mul are parameters, the real input is not, even read only by Add", () => {
    const model = (input: (number | string)[]) =>
      encodeModel({
        input,
        nodes: [
          { op: "Add", name: "/shift/Add", inputs: ["x", "shift.bias"], outputs: ["shifted"] },
          { op: "MatMul", name: "/fc/MatMul", inputs: ["shifted", "fc.weight"], outputs: ["y0"] },
          { op: "Add", name: "/fc/Add", inputs: ["fc.bias", "y0"], outputs: ["y"] },
        ],
        parameters: { "shift.bias": [16], "fc.weight": [16, 4], "fc.bias": [4] },
        declared: { shifted: ["batch", 8, 16] },
      });
    for (const input of [["batch", 8, 16], [1, 8, 16]]) {
      const { graph, warnings } = importOnnx(model(input), "params.onnx");
      // fc.weight is a parameter by its MatMul slot; shift.bias and fc.bias by their Adds; x, read only by an Add, stays the input.
      expect(warnings.map((w) => w.message)).toContain("params.onnx: 3 graph inputs are parameters without values (an export_params=False export); the network's input is 'x'");
      expect(graph.networks[0]!.nodes.map((n) => n.op)).toEqual(["input", "opaque", "fc"]);
    }
  });

  /** Self-attention as Hugging Face's BERT writes it: three Linear layers, heads as [B, T, H, dh] by a Reshape to `split`, and back. */
  function splitProjections(t: number, d: number, split: number[]): Uint8Array {
    const heads = (part: string, perm: number[]) => [
      { op: "MatMul", name: `/${part}/MatMul`, inputs: ["x", `w${part}`], outputs: [`${part}0`] },
      { op: "Add", name: `/${part}/Add`, inputs: [`${part}0`, `b${part}`], outputs: [`${part}1`] },
      { op: "Reshape", name: `/${part}/Reshape`, inputs: [`${part}1`, "split"], outputs: [`${part}2`] },
      { op: "Transpose", name: `/${part}/Transpose`, inputs: [`${part}2`], outputs: [`${part}h`], ints: { perm } },
    ];
    const weights: Record<string, { dims: number[]; values?: Float32Array }> = { scale: { dims: [], values: Float32Array.of(Math.sqrt(split[3]!)) } };
    for (const part of ["q", "k", "v", "o"]) Object.assign(weights, { [`w${part}`]: { dims: [d, d] }, [`b${part}`]: { dims: [d] } });
    return encodeModel({
      input: ["batch", t, d],
      nodes: [
        ...heads("q", [0, 2, 1, 3]),
        ...heads("k", [0, 2, 3, 1]),
        ...heads("v", [0, 2, 1, 3]),
        { op: "MatMul", name: "/scores", inputs: ["qh", "kh"], outputs: ["scores"] },
        { op: "Div", name: "/scale", inputs: ["scores", "scale"], outputs: ["scaled"] },
        { op: "Softmax", name: "/Softmax", inputs: ["scaled"], outputs: ["weights"], ints: { axis: [-1] } },
        { op: "MatMul", name: "/context", inputs: ["weights", "vh"], outputs: ["context"] },
        { op: "Transpose", name: "/merge", inputs: ["context"], outputs: ["merged"], ints: { perm: [0, 2, 1, 3] } },
        { op: "Reshape", name: "/flatten", inputs: ["merged", "join"], outputs: ["joined"] },
        { op: "MatMul", name: "/o/MatMul", inputs: ["joined", "wo"], outputs: ["o0"] },
        { op: "Add", name: "/o/Add", inputs: ["o0", "bo"], outputs: ["out"] },
      ],
      weights,
      ints: { split, join: [0, 0, d] },
    });
  }

  it("attention written with three Linear layers and [B, T, H, dh] heads (as Hugging Face's BERT writes it) is one attention layer", () => {
    const [t, d, h] = [4, 8, 2];
    const network = analyze(importOnnx(splitProjections(t, d, [0, 0, h, d / h]), "bert-attention.onnx").graph).networks[0]!;
    expect(network.layers.map((l) => [l.node.op, l.node.attrs, l.shape])).toEqual([
      ["input", { shape: [t, d] }, [t, d]],
      ["attention", { heads: h, causal: false, bias: true }, [t, d]],
    ]);
    // nn.MultiheadAttention(8, 2): in_proj 3·8·8 + 24, out_proj 8·8 + 8.
    expect(network.totals.params).toBe(4 * d * d + 4 * d);
  });

  it("an attention block whose heads do not divide its features is drawn as one plain block of its output's size, with a warning", () => {
    const { graph, warnings } = importOnnx(splitProjections(4, 8, [0, 0, 2, 3]), "odd-heads.onnx");
    expect(graph.networks[0]!.nodes.map((n) => [n.op, n.label])).toEqual([["input", undefined], ["opaque", "Attention"]]);
    expect(analyze(graph).networks[0]!.layers[1]!.shape).toEqual([4, 8]);
    expect(warnings.map((w) => w.message)).toEqual(["odd-heads.onnx: node '/Softmax' (Softmax): reads like an attention block but its heads or output could not be sized; drawn as a plain block"]);
  });

  it("attention without an output projection is no attention layer: its MatMuls fall back to plain blocks, nothing crashes", () => {
    const d = 16;
    const bytes = encodeModel({
      input: ["batch", 8, d],
      nodes: [
        { op: "MatMul", name: "/q/MatMul", inputs: ["x", "wq"], outputs: ["q"] },
        { op: "MatMul", name: "/k/MatMul", inputs: ["x", "wk"], outputs: ["k"] },
        { op: "MatMul", name: "/v/MatMul", inputs: ["x", "wv"], outputs: ["v"] },
        { op: "Transpose", name: "/Transpose", inputs: ["k"], outputs: ["kt"], ints: { perm: [0, 2, 1] } },
        { op: "MatMul", name: "/scores/MatMul", inputs: ["q", "kt"], outputs: ["scores"] },
        { op: "Softmax", name: "/Softmax", inputs: ["scores"], outputs: ["weights"], ints: { axis: [-1] } },
        { op: "MatMul", name: "/out/MatMul", inputs: ["weights", "v"], outputs: ["out"] },
      ],
      weights: { wq: { dims: [d, d] }, wk: { dims: [d, d] }, wv: { dims: [d, d] } },
      declared: { kt: ["batch", d, 8], scores: ["batch", 8, 8], out: ["batch", 8, d] },
    });
    const { graph, warnings } = importOnnx(bytes, "partial.onnx");
    const ops = graph.networks[0]!.nodes.map((n) => n.op);
    expect(ops).not.toContain("attention");
    expect(ops).toEqual(["input", "fc", "fc", "fc", "opaque", "opaque", "softmax", "opaque"]);
    expect(warnings.map((w) => w.message)).toContain("partial.onnx: node '/scores/MatMul' (MatMul): netfig does not know MatMul; drawn as a plain block");
  });

  it("a corrupt file whose attention loops back on itself is refused with the node named, at once", () => {
    const bytes = encodeModel({
      input: ["batch", 8, 16],
      nodes: [
        { op: "MatMul", name: "/scores", inputs: ["x", "looped"], outputs: ["scores"] },
        { op: "Softmax", name: "/Softmax", inputs: ["scores"], outputs: ["weights"] },
        { op: "MatMul", name: "/av", inputs: ["weights", "looped"], outputs: ["av"] },
        { op: "Transpose", name: "/loop", inputs: ["av"], outputs: ["looped"], ints: { perm: [0, 2, 1] } },
      ],
    });
    const started = performance.now();
    expect(() => importOnnx(bytes, "loop.onnx")).toThrow(/loop\.onnx: node '\/scores' \(MatMul\): reads 'looped', which no earlier node or initializer provides/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  interface Fixed {
    shape: number[];
    data: number[];
  }

  /** Every parameter must come from the file: a name the importer did not map is a bug, not a seeded stand-in. */
  const NOWHERE: WeightSource = {
    get(name) {
      throw new Error(`the file gives no parameter ${name}`);
    },
  };

  it.each(["vit_small", "encoder_decoder_small", "cross_kdim_small", "split_projections_small"])("%s exported with its weights runs on them to PyTorch's output within 1e-4", async (model) => {
    const folder = join(FIXTURES, "weights");
    const reference = JSON.parse(readFileSync(join(folder, `${model}.json`), "utf8")) as { params: number; inputs: Record<string, Fixed>; output: Fixed };
    const onnx = importOnnx(gunzipSync(readFileSync(join(folder, `${model}.onnx.gz`))), `${model}.onnx`);
    const network = analyze(onnx.graph).networks[0]!;
    expect(network.totals.params).toBe(reference.params);
    expect(network.layers.filter((l) => l.node.op === "opaque")).toEqual([]);
    expect(network.layers.some((l) => l.node.op === "attention")).toBe(true);
    const inputs = new Map(Object.entries(reference.inputs).map(([id, t]): [string, Tensor] => [id, { shape: t.shape, data: Float32Array.from(t.data) }]));
    const pool = new ComputePool(1);
    try {
      const outputs = await runNetwork(network, { weights: new OnnxWeights(onnx, NOWHERE, `${model}.onnx`), pool, inputs, seed: 0 });
      const last = network.layers[network.layers.length - 1]!.node.id;
      const actual = outputs.get(last)!;
      expect(actual.shape).toEqual(reference.output.shape);
      const worst = reference.output.data.reduce((w, e, i) => Math.max(w, Math.abs(actual.data[i]! - e) / Math.max(1e-3, Math.abs(e))), 0);
      expect(worst).toBeLessThan(1e-4);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
