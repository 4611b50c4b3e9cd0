import { readFileSync } from "node:fs";
import onnxProto from "onnx-proto";
import { afterAll, describe, expect, it } from "vitest";
import { seededTokens } from "../../src/engine/init.js";
import { decodeNpy } from "../../src/engine/io/npy.js";
import { SafetensorsFile } from "../../src/engine/io/safetensors.js";
import { ComputePool } from "../../src/engine/pool.js";
import type { Tensor } from "../../src/engine/tensor.js";
import { SafetensorsWeights, SeededWeights, type WeightSource } from "../../src/engine/weights.js";
import type { AnalyzedNetwork } from "../../src/analyze/types.js";
import { runNetwork } from "../../src/execute/run.js";
import { exportOnnx } from "../../src/export/onnx/export.js";
import { analyzeSource } from "../../src/pipeline.js";
import { root } from "../helpers/netfig.js";
import { loadOrt } from "./onnxruntime.js";
import { relativeError, TIED } from "./onnx-networks.js";

/**
 * An fc tied to an embedding's table (`fc V shares=EMB`, GPT-2's `lm_head.weight = wte.weight`)
 * in ONNX: the table is one initializer that the Gather and the head both read, and
 * onnxruntime running the export gives the engine's outputs, and PyTorch's with its weights.
 */
const ort = loadOrt();
if (!ort) console.warn("onnx-tied: onnxruntime-node is not installed; skipping. Install it with: cd bench && ONNXRUNTIME_NODE_INSTALL=skip npm install");
const SEED = 4;
const pool = new ComputePool(1);
afterAll(() => pool.close());

const dir = `${root}/tests/fixtures/torch/transformer`;
const tiedHead = analyzeSource(readFileSync(`${dir}/tied-head.netfig`, "utf8"), "tied-head.netfig").networks[0]!;
const torchWeightsPath = `${dir}/tied-head/weights.safetensors`;
const torchWeights = new SafetensorsWeights(new SafetensorsFile(new Uint8Array(readFileSync(torchWeightsPath)), torchWeightsPath));
const npy = (file: string): Tensor => {
  const t = decodeNpy(new Uint8Array(readFileSync(file)));
  return { shape: t.shape.slice(1), data: t.data };
};

/** The network's token inputs, seeded. */
function tokens(network: AnalyzedNetwork): Map<string, Tensor> {
  return new Map(network.layers.filter((l) => l.node.inputs.length === 0).map((l) => [l.node.id, seededTokens(SEED, l.shape, l.node.attrs.tokens as number)]));
}

/** onnxruntime's outputs of the export, by output name. */
async function ortOutputs(network: AnalyzedNetwork, weights: WeightSource, inputs: Map<string, Tensor>) {
  const session = await ort!.InferenceSession.create(exportOnnx(network, { weights }));
  return session.run(Object.fromEntries([...inputs].map(([id, t]) => [id, new ort!.Tensor("float32", new Float32Array(t.data), [1, ...t.shape])])));
}

describe("an fc tied to an embedding, exported", () => {
  it("stores the table once, as the embedding's initializer, and the head's own bias", () => {
    const graph = onnxProto.onnx.ModelProto.decode(exportOnnx(tiedHead, { weights: new SeededWeights(SEED) })).graph!;
    const names = (graph.initializer ?? []).map((t) => t.name!);
    expect(names).toContain("wte.weight");
    expect(names).toContain("head.bias");
    expect(names.filter((n) => n.startsWith("head.") && n !== "head.bias")).toEqual([]);
    const head = graph.node!.find((n) => n.output?.includes("head/matmul"))!;
    const transpose = graph.node!.find((n) => n.output?.[0] === head.input![1])!;
    expect([transpose.opType, transpose.input]).toEqual(["Transpose", ["wte.weight"]]);
  });

  it.skipIf(!ort)("runs in onnxruntime to PyTorch's logits with PyTorch's tied weights", async () => {
    const results = await ortOutputs(tiedHead, torchWeights, new Map([["tokens", npy(`${dir}/tied-head/tokens.npy`)]]));
    expect(results["head"]!.dims).toEqual([1, 5, 11]);
    expect(relativeError(results["head"]!.data as Float32Array, npy(`${dir}/tied-head/outputs/head.npy`).data)).toBeLessThan(1e-4);
  }, 60_000);

  it.skipIf(!ort)("runs in onnxruntime to the engine's outputs, seeded: on sequences (MatMul) and vectors (Gemm), through an embedding that shares", async () => {
    const network = analyzeSource(TIED, "tied.netfig").networks[0]!;
    const weights = new SeededWeights(SEED);
    const inputs = tokens(network);
    const results = await ortOutputs(network, weights, inputs);
    const expected = await runNetwork(network, { weights, pool, seed: SEED, inputs });
    expect([...expected.keys()].sort()).toEqual(["head", "vhead"]);
    for (const [id, tensor] of expected) {
      expect(results[id]!.dims, id).toEqual([1, ...tensor.shape]);
      expect(relativeError(results[id]!.data as Float32Array, tensor.data), id).toBeLessThan(1e-4);
    }
  }, 60_000);
});
