import { readFileSync } from "node:fs";
import onnxProto from "onnx-proto";
import { afterAll, describe, expect, it } from "vitest";
import { seededInput } from "../../src/engine/init.js";
import { decodeNpy } from "../../src/engine/io/npy.js";
import { SafetensorsFile } from "../../src/engine/io/safetensors.js";
import { ComputePool } from "../../src/engine/pool.js";
import { chwFromShape, type Tensor } from "../../src/engine/tensor.js";
import { SafetensorsWeights, SeededWeights, type WeightSource } from "../../src/engine/weights.js";
import type { AnalyzedNetwork } from "../../src/analyze/types.js";
import { runNetwork } from "../../src/execute/run.js";
import { exportOnnx } from "../../src/export/onnx/export.js";
import { analyzeSource } from "../../src/pipeline.js";
import { root } from "../helpers/netfig.js";
import { loadOrt } from "./onnxruntime.js";
import { relativeError } from "./onnx-networks.js";

/**
 * The Transformer kinds in ONNX, written as PyTorch 1.13 writes nn.LayerNorm, nn.GELU,
 * nn.MultiheadAttention and torchvision's ViT at opset 14: the same operators on the data
 * path joined the same way (tests/fixtures/torch/transformer_onnx.py records PyTorch's), and
 * onnxruntime running the export gives the engine's outputs.
 */
interface DataPath {
  ops: string[];
  edges: string[];
}
const cases: Record<string, { netfig: string; torch: DataPath }> = JSON.parse(readFileSync(`${root}/tests/fixtures/torch/transformer_onnx.json`, "utf8")).cases;
const ort = loadOrt();
if (!ort) console.warn("onnx-transformer: onnxruntime-node is not installed; skipping. Install it with: cd bench && ONNXRUNTIME_NODE_INSTALL=skip npm install");
const SEED = 5;
const pool = new ComputePool(1);
afterAll(() => pool.close());

const analyzed = (text: string): AnalyzedNetwork => analyzeSource(text, "test.netfig").networks[0]!;

function scalarOf(t: onnxProto.onnx.ITensorProto): number | undefined {
  if ((t.dims ?? []).reduce((n, d) => n * Number(d), 1) !== 1) return undefined;
  if (t.floatData?.length) return t.floatData[0];
  if (t.int64Data?.length) return Number(t.int64Data[0]);
  return undefined;
}

/** The data path of a model, as the fixture script computes it of PyTorch's (see its docstring). */
function dataPath(bytes: Uint8Array): DataPath {
  const graph = onnxProto.onnx.ModelProto.decode(bytes).graph!;
  const scalars = new Map((graph.initializer ?? []).map((t) => [t.name!, scalarOf(t)]));
  const data = new Set((graph.input ?? []).map((i) => i.name!).filter((name) => !scalars.has(name)));
  const producer = new Map([...data].map((name) => [name, "input"]));
  const alias = new Map<string, string>();
  const ops: string[] = [];
  const edges: string[] = [];
  // PyTorch's exporter merges equal nodes (the Transpose of the encoder's output that each
  // cross-attention makes is one node there); merged here too, as they compute the same.
  const seen = new Map<string, string>();
  for (const node of graph.node ?? []) {
    const inputs = (node.input ?? []).map((i) => alias.get(i) ?? i);
    const reads = inputs.filter((i) => data.has(i));
    if (reads.length === 0 || node.opType === "Shape") continue;
    const key = JSON.stringify([node.opType, inputs, onnxProto.onnx.NodeProto.toObject(node as onnxProto.onnx.NodeProto).attribute ?? []]);
    if (node.output?.length === 1 && seen.has(key)) {
      alias.set(node.output[0]!, seen.get(key)!);
      continue;
    }
    if (node.output?.length === 1) seen.set(key, node.output[0]!);
    const others = inputs.filter((i) => !data.has(i));
    const byOne = (node.opType === "Mul" || node.opType === "Div") && others.length === 1 && scalars.get(others[0]!) === 1;
    if (node.opType === "Identity" || node.opType === "Dropout" || byOne) {
      alias.set(node.output![0]!, reads[0]!);
      continue;
    }
    ops.push(node.opType!);
    for (const i of reads) edges.push(`${producer.get(i)}>${node.opType}`);
    for (const o of node.output ?? []) {
      data.add(o);
      producer.set(o, node.opType!);
    }
  }
  for (const o of graph.output ?? []) edges.push(`${producer.get(alias.get(o.name!) ?? o.name!)}>output`);
  return { ops: ops.sort(), edges: edges.sort() };
}

describe.each(Object.entries(cases))("%s", (_name, c) => {
  it("is written with PyTorch 1.13's operators, joined as PyTorch joins them", () => {
    expect(dataPath(exportOnnx(analyzed(c.netfig), { weights: new SeededWeights(SEED) }))).toEqual(c.torch);
  });

  it.skipIf(!ort)("gives the engine's outputs to 1e-4 when onnxruntime runs it", async () => {
    const network = analyzed(c.netfig);
    const weights = new SeededWeights(SEED);
    const inputs = new Map(network.layers.filter((l) => l.node.inputs.length === 0).map((l) => [l.node.id, seededInput(SEED, chwFromShape(l.shape))]));
    await expectOrtMatches(network, weights, inputs);
  }, 60_000);
});

/** onnxruntime on the export against the engine on the same inputs, for every output. */
async function expectOrtMatches(network: AnalyzedNetwork, weights: WeightSource, inputs: Map<string, Tensor>): Promise<void> {
  const session = await ort!.InferenceSession.create(exportOnnx(network, { weights }));
  const feeds = Object.fromEntries([...inputs].map(([id, t]) => [id, new ort!.Tensor("float32", new Float32Array(t.data), [1, ...t.shape])]));
  const results = await session.run(feeds);
  const expected = await runNetwork(network, { weights, pool, seed: SEED, inputs });
  expect([...expected.keys()].sort()).toEqual(Object.keys(results).sort());
  for (const [id, tensor] of expected) {
    expect(results[id]!.dims, id).toEqual([1, ...tensor.shape]);
    expect(relativeError(results[id]!.data, tensor.data), id).toBeLessThan(1e-4);
  }
}

describe("the small ViT with PyTorch's fixed weights", () => {
  const dir = `${root}/tests/fixtures/torch/transformer`;
  const network = analyzed(readFileSync(`${dir}/vit.netfig`, "utf8"));
  const path = `${dir}/vit/weights.safetensors`;
  const weights = new SafetensorsWeights(new SafetensorsFile(new Uint8Array(readFileSync(path)), path));
  const npy = (file: string): Tensor => {
    const t = decodeNpy(new Uint8Array(readFileSync(file)));
    return { shape: t.shape.slice(1), data: t.data };
  };
  const image = npy(`${dir}/vit/image.npy`);

  it.skipIf(!ort)("runs in onnxruntime as in the engine, and as PyTorch ran it", async () => {
    await expectOrtMatches(network, weights, new Map([["image", image]]));
    const session = await ort!.InferenceSession.create(exportOnnx(network, { weights }));
    const logits = (await session.run({ image: new ort!.Tensor("float32", new Float32Array(image.data), [1, ...image.shape]) }))["heads.head"]!;
    expect(relativeError(logits.data, npy(`${dir}/vit/outputs/heads.head.npy`).data)).toBeLessThan(1e-4);
  }, 60_000);

  it.skipIf(!ort)("exported with a symbolic batch, classifies two images at once as one by one", async () => {
    const session = await ort!.InferenceSession.create(exportOnnx(network, { weights, batch: "batch" }));
    const other = seededInput(SEED, image.shape);
    const both = new Float32Array([...image.data, ...other.data]);
    const logits = (await session.run({ image: new ort!.Tensor("float32", both, [2, ...image.shape]) }))["heads.head"]!;
    expect(logits.dims).toEqual([2, 10]);
    for (const [row, x] of [image, other].entries()) {
      const alone = (await runNetwork(network, { weights, pool, seed: SEED, inputs: new Map([["image", x]]) })).get("heads.head")!;
      expect(relativeError(logits.data.subarray(row * 10, (row + 1) * 10), alone.data)).toBeLessThan(1e-4);
    }
  }, 60_000);

  it("names its parameters as the state dict it was loaded from, with no copy of any", () => {
    const graph = onnxProto.onnx.ModelProto.decode(exportOnnx(network, { weights })).graph!;
    const names = new Set((graph.initializer ?? []).map((t) => t.name!));
    for (const name of ["conv_proj.weight", "class_token.weight", "encoder.pos_embedding.weight", "encoder.layers.encoder_layer_0.self_attention.in_proj_weight", "encoder.layers.encoder_layer_0.self_attention.in_proj_bias", "encoder.layers.encoder_layer_1.self_attention.out_proj.weight", "encoder.ln.weight", "heads.head.weight"]) {
      expect(names.has(name), name).toBe(true);
    }
  });
});
