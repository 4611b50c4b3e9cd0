import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze/analyze.js";
import { SeededWeights } from "../../src/engine/weights.js";
import { exportOnnx } from "../../src/export/onnx/export.js";
import { importOnnx } from "../../src/import/onnx/import.js";
import { OnnxWeights } from "../../src/import/onnx/weights.js";
import { analyzeText, readProjectFile, root } from "../helpers/netfig.js";
import { engineOutputs, KINDS, network } from "../export/onnx-networks.js";
import { encodeModel } from "./onnx-build.js";

/**
 * Issue 11's layer kinds read back from the ONNX netfig writes for them: each chain of
 * ONNX nodes is the one layer it came from, with its settings, and parameters read by
 * two layers are counted once, at the first (`shares=`).
 */

const SEED = 3;
const kinds = (fixture: string) => (JSON.parse(readProjectFile("tests/fixtures/torch/kinds.json")) as { networks: Record<string, { total: number; params: Record<string, number> }> }).networks[fixture]!;

function reimport(text: string) {
  const source = analyzeText(text);
  const onnx = importOnnx(exportOnnx(source, { weights: new SeededWeights(SEED) }), "kinds.onnx");
  return { source, onnx, imported: analyze(onnx.graph).networks[0]! };
}

describe("the new layer kinds re-imported from ONNX", () => {
  it("are every layer of the kinds network: kind, settings, shape, parameters, MACs and what it shares", () => {
    const { source, imported } = reimport(KINDS);
    // ONNX lists every graph input first: the order of the layers is the file's, their rows are the source's.
    const rows = (layers: typeof source.layers) => layers.map((l) => [l.node.id, l.node.op, l.shape, l.params, l.macs, l.shares]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(rows(imported.layers)).toEqual(rows(source.layers));
    const attrs = (id: string) => imported.layers.find((l) => l.node.id === id)!.node.attrs;
    expect(attrs("k").size).toEqual([8, 7]);
    expect(attrs("u").stride).toEqual([2, 2]);
    expect(imported.layers.find((l) => l.node.id === "u")!.node.inputs).toEqual(["c3", "relu_1"]);
    expect(attrs("c5").table).toEqual(source.layers.find((l) => l.node.id === "c5")!.node.attrs.table);
    expect([attrs("scaledtanh_1").amplitude, attrs("scaledtanh_1").slope]).toEqual([1.7159, 2 / 3]);
    expect([attrs("d1").metric, attrs("d2").metric, attrs("d3").metric, attrs("d3").componentwise]).toEqual(["l1", "cosine", "l2", true]);
    expect([attrs("tied").transposed, attrs("tied").shares, attrs("c3").shares]).toEqual([true, "mu", "c2"]);
    expect(attrs("tok").tokens).toBe(10);
  });

  it("say what netfig reads differently from the file: the table from zero planes, a sample's stored ε", () => {
    const { onnx } = reimport(KINDS);
    expect(onnx.warnings.map((w) => w.message)).toEqual([
      "kinds.onnx: node 'c5' (Conv): 9 of its 24 kernel planes are exactly zero: read as a connection table (table=), counting 135 weights where PyTorch's numel counts 216",
      "kinds.onnx: node 'z' (Add): its noise ε is the constant 'z/noise', which netfig's sample does not read: drawn as sample (seed 0), whose run draws its own ε",
    ]);
  });

  it("run on the file's initializers to the source's outputs (the sample's ε that of seed 0, read without a warning)", async () => {
    const text = KINDS.replace("seed=5", "seed=0");
    const { source, onnx, imported } = reimport(text);
    expect(onnx.warnings.map((w) => w.message).filter((m) => m.includes("noise"))).toEqual([]);
    const expected = await engineOutputs(source, new SeededWeights(SEED), SEED);
    const actual = await engineOutputs(imported, new OnnxWeights(onnx, new SeededWeights(SEED + 1), "kinds.onnx"), SEED);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [id, tensor] of expected) expect(actual.get(id)!.data, id).toEqual(tensor.data);
  }, 60_000);

  it("a 1x1 conv with one weight exactly zero is a conv, not a connection table", () => {
    const text = "input 4x4x3\nc: conv 2 1x1";
    const source = analyzeText(text);
    const weights = new SeededWeights(SEED);
    const zeroed = { get: (name: string, shape: readonly number[], init: Parameters<SeededWeights["get"]>[2]) => {
      const t = weights.get(name, shape, init);
      return name === "c.weight" ? { shape: t.shape, data: Float32Array.from(t.data, (v, i) => (i === 0 ? 0 : v)) } : t;
    } };
    const imported = analyze(importOnnx(exportOnnx(source, { weights: zeroed }), "c.onnx").graph).networks[0]!;
    expect(imported.layers[1]!.node.attrs.table).toBeUndefined();
    expect(imported.totals.params).toBe(8);
  });
});

describe("an initializer read by two layers", () => {
  const random = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i + 1));
  const twoFcs = (weights: Record<string, { dims: number[]; values?: Float32Array }>, secondBias: string) =>
    importOnnx(encodeModel({
      input: [1, 4],
      nodes: [
        { op: "Gemm", name: "a", inputs: ["x", "w", "b"], outputs: ["a"], ints: { transB: [1] } },
        { op: "Gemm", name: "c", inputs: ["a", "w", secondBias], outputs: ["c"], ints: { transB: [1] } },
      ],
      weights,
    }), "two.onnx");

  it("with all its parameters is shared: fc 4 → fc 4 reading one weight and bias counts 20 parameters once", () => {
    const onnx = twoFcs({ w: { dims: [4, 4], values: random(16) }, b: { dims: [4], values: random(4) } }, "b");
    const imported = analyze(onnx.graph).networks[0]!;
    expect([imported.layers[2]!.node.attrs.shares, imported.totals.params, onnx.warnings]).toEqual(["a", 20, []]);
  });

  it("with a bias of its own is counted again, and says so", () => {
    const onnx = twoFcs({ w: { dims: [4, 4], values: random(16) }, b: { dims: [4], values: random(4) }, b2: { dims: [4], values: random(4) } }, "b2");
    expect(analyze(onnx.graph).networks[0]!.totals.params).toBe(40);
    expect(onnx.warnings.map((w) => w.message)).toEqual(["two.onnx: node 'c' (Gemm): reads the weight of a but not all its other parameters: counted again here, though PyTorch counts a tensor once"]);
  });

  it("holding one value repeated is not shared: torch merges equal initializers (fresh weights of ones)", () => {
    const onnx = twoFcs({ w: { dims: [4, 4], values: new Float32Array(16).fill(1) }, b: { dims: [4] } }, "b");
    expect([analyze(onnx.graph).networks[0]!.totals.params, onnx.warnings]).toEqual([40, []]);
  });
});

describe("the templates with the new kinds re-imported, against PyTorch's counts (tests/fixtures/torch/generate_kinds.py)", () => {
  const totals = (name: string) => {
    const source = network(name);
    const imported = analyze(importOnnx(exportOnnx(source, { weights: new SeededWeights(SEED) }), `${name}.onnx`).graph).networks[0]!;
    return { source, imported };
  };

  it("Siamese: the right tower shares the left's parameters, counted once: 38,951,745", () => {
    const { imported } = totals("siamese");
    expect(imported.totals.params).toBe(kinds("siamese").total);
    expect(imported.totals.params).toBe(38_951_745);
    const right = imported.layers.filter((l) => l.node.id.startsWith("right.") && l.node.attrs.shares !== undefined);
    expect(right.map((l) => [l.node.id, l.node.attrs.shares])).toEqual(["conv_1", "conv_2", "conv_3", "conv_4", "fc_1"].map((id) => [`right.${id}`, `left.${id}`]));
  });

  it("LeNet-5 as LeCun built it: C3's Table I and the paper's counts, 60,840", () => {
    const { source, imported } = totals("lenet5-original");
    const byId = new Map(imported.layers.map((l) => [l.node.id, l]));
    for (const [id, params] of Object.entries(kinds("lenet5_original").params)) expect(byId.get(id)?.params, id).toBe(params);
    expect(imported.totals.params).toBe(60_840);
    expect(byId.get("c3")!.node.attrs.table).toEqual(source.layers.find((l) => l.node.id === "c3")!.node.attrs.table);
    expect(imported.layers.map((l) => l.node.op).filter((op) => ["subsample", "scaledtanh", "rbf"].includes(op))).toEqual(["scaledtanh", "subsample", "scaledtanh", "scaledtanh", "subsample", "scaledtanh", "scaledtanh", "scaledtanh", "rbf"]);
  });

  it("SegNet: five maxunpools, each reading the pool its indices come from, and no pool added: 29,449,355", () => {
    const { source, imported } = totals("segnet");
    expect(imported.totals.params).toBe(kinds("segnet").total);
    const count = (layers: typeof source.layers, op: string) => layers.filter((l) => l.node.op === op).length;
    expect([count(imported.layers, "maxpool"), count(imported.layers, "maxunpool")]).toEqual([count(source.layers, "maxpool"), 5]);
    const unpools = (layers: typeof source.layers) => layers.filter((l) => l.node.op === "maxunpool").map((l) => [l.node.id, l.node.inputs]);
    expect(unpools(imported.layers)).toEqual(unpools(source.layers));
  });

  it("U-Net as Ronneberger et al. drew it: the skips centre-cropped to 56, 104, 200 and 392: 31,030,658", () => {
    const { imported } = totals("unet-original");
    expect(imported.totals.params).toBe(kinds("unet_original").total);
    expect(imported.layers.filter((l) => l.node.op === "crop").map((l) => [l.node.id, l.node.attrs.size])).toEqual(
      [["dec4.skip", [56, 56]], ["dec3.skip", [104, 104]], ["dec2.skip", [200, 200]], ["dec1.skip", [392, 392]]],
    );
  });
});

describe("the same modules as PyTorch exports them (tests/fixtures/onnx/generate_kinds.py; torch 1.13 cannot export nn.MaxUnpool2d)", () => {
  // tests/import/onnx.test.ts checks their totals and MACs against NAME.json with every other fixture; here, what they import as.
  const reference = (name: string) => (JSON.parse(readProjectFile(`tests/fixtures/onnx/${name}.json`)) as { params: number }).params;
  const load = (name: string) => {
    const onnx = importOnnx(readFileSync(join(root, "tests/fixtures/onnx", `${name}.onnx`)), `${name}.onnx`);
    return { onnx, imported: analyze(onnx.graph).networks[0]! };
  };
  const ops = (layers: { node: { id: string; op: string } }[]) => layers.map((l) => [l.node.id, l.node.op]);

  it("nn.Embedding(50, 8) on int64 ids is a Gather: embedding 50 8 reading input 12 tokens=50, 691 parameters as PyTorch counts", () => {
    const { onnx, imported } = load("embedding");
    expect(onnx.warnings).toEqual([]);
    expect(ops(imported.layers)).toEqual([["ids", "input"], ["embed", "embedding"], ["flatten", "flatten"], ["fc", "fc"]]);
    expect(imported.layers[0]!.node.attrs.tokens).toBe(50);
    expect(imported.layers[1]!.shape).toEqual([12, 8]);
    expect(imported.totals.params).toBe(reference("embedding"));
    expect(imported.totals.params).toBe(691);
  });

  it("one tower called on two images shares its parameters; |a − b| and F.pairwise_distance are distances: 2,377 parameters as PyTorch counts", () => {
    const { onnx, imported } = load("siamese");
    expect(onnx.warnings).toEqual([]);
    expect(imported.totals.params).toBe(reference("siamese"));
    expect(imported.totals.params).toBe(2377);
    expect(imported.layers.filter((l) => l.node.attrs.shares !== undefined).map((l) => [l.node.id, l.node.attrs.shares])).toEqual([["tower.conv_1", "tower.conv"], ["tower.fc_1", "tower.fc"]]);
    const distances = imported.layers.filter((l) => l.node.op === "distance").map((l) => [l.node.attrs.metric, l.node.attrs.componentwise, l.shape]);
    expect(distances).toEqual([["l2", false, [1]], ["l1", true, [16]]]);
  });
});
