import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze/analyze.js";
import { SafetensorsFile } from "../../src/engine/io/safetensors.js";
import { ComputePool } from "../../src/engine/pool.js";
import type { Tensor } from "../../src/engine/tensor.js";
import { SafetensorsWeights, SeededWeights, type WeightSource } from "../../src/engine/weights.js";
import { runNetwork } from "../../src/execute/run.js";
import { exportOnnx } from "../../src/export/onnx/export.js";
import { importOnnx } from "../../src/import/onnx/import.js";
import { OnnxWeights } from "../../src/import/onnx/weights.js";
import { analyzeText, root } from "../helpers/netfig.js";
import { loadOrt } from "./onnxruntime.js";
import { engineOutputs, network, relativeError } from "./onnx-networks.js";

/**
 * rnn, lstm and gru exported to ONNX (opset 14, as torch writes nn.LSTM(batch_first=True))
 * with PyTorch's own parameters (the 48 cases of tests/fixtures/torch/recurrent.py, torch
 * 1.13: kind × 1 or 2 layers × one direction or two × all steps or the last × bias or not):
 * onnxruntime runs each to PyTorch's output, and the file re-imports to the same layer, which
 * runs on the file's initializers to the same output. The two recurrent templates, seeded,
 * give the engine's outputs in onnxruntime.
 */
interface Fixed {
  shape: number[];
  data: number[];
}
interface Case {
  layer: string;
  netfig: string;
  input: Fixed;
  output: Fixed;
}
const dir = `${root}/tests/fixtures/torch`;
const cases: Case[] = JSON.parse(readFileSync(`${dir}/recurrent.json`, "utf8")).cases;
const weightsPath = `${dir}/recurrent/weights.safetensors`;
const torchWeights = new SafetensorsWeights(new SafetensorsFile(new Uint8Array(readFileSync(weightsPath)), weightsPath));

const ort = loadOrt();
if (!ort) console.warn("onnx-recurrent: onnxruntime-node is not installed; skipping the onnxruntime runs. Install it with: cd bench && ONNXRUNTIME_NODE_INSTALL=skip npm install");

/** Every parameter must come from the file: a name the importer did not map is a bug, not a seeded stand-in. */
const NOWHERE: WeightSource = {
  get(name) {
    throw new Error(`the file gives no parameter ${name}`);
  },
};

const pool = new ComputePool(1);
afterAll(() => pool.close());

const worstError = (actual: ArrayLike<number>, expected: number[]) => expected.reduce((worst, e, i) => Math.max(worst, Math.abs(actual[i]! - e)), 0);
const written = (c: Case) => c.netfig.split("\n")[1]!.split(": ")[1]!;

describe("recurrent layers exported with PyTorch's weights", () => {
  it.skipIf(!ort).each(cases.map((c) => [written(c), c] as const))("%s runs in onnxruntime to PyTorch's output within 1e-5", async (_written, c) => {
    const session = await ort!.InferenceSession.create(exportOnnx(analyzeText(c.netfig), { weights: torchWeights }));
    const results = await session.run({ x: new ort!.Tensor("float32", Float32Array.from(c.input.data), [1, ...c.input.shape]) });
    expect(results[c.layer]!.dims).toEqual([1, ...c.output.shape]);
    expect(worstError(results[c.layer]!.data, c.output.data)).toBeLessThan(1e-5);
  });

  it.each(cases.map((c) => [written(c), c] as const))("%s re-imports as itself and runs on the file's initializers to PyTorch's output within 1e-5", async (_written, c) => {
    const source = analyzeText(c.netfig);
    const onnx = importOnnx(exportOnnx(source, { weights: torchWeights }), `${c.layer}.onnx`);
    expect(onnx.warnings).toEqual([]);
    const imported = analyze(onnx.graph).networks[0]!;
    const layer = (n: typeof source) => n.layers.slice(1).map((l) => [l.node.id, l.node.op, l.node.attrs, l.shape, l.params, l.macs]);
    expect(layer(imported)).toEqual(layer(source));
    const input: Tensor = { shape: c.input.shape, data: Float32Array.from(c.input.data) };
    const outputs = await runNetwork(imported, { weights: new OnnxWeights(onnx, NOWHERE, `${c.layer}.onnx`), pool, seed: 0, inputs: new Map([["x", input]]) });
    expect(worstError(outputs.get(c.layer)!.data, c.output.data)).toBeLessThan(1e-5);
  });
});

describe("the recurrent templates in ONNX", () => {
  it.skipIf(!ort).each(["rnn", "text-classifier"])("%s, seeded, gives the engine's outputs in onnxruntime to 1e-5", async (name) => {
    const analyzed = network(name);
    const session = await ort!.InferenceSession.create(exportOnnx(analyzed, { weights: new SeededWeights(4) }));
    const expected = await engineOutputs(analyzed, new SeededWeights(4), 4);
    // The engine's seeded input, given to onnxruntime as it is.
    const input = analyzed.layers[0]!;
    const given = await runNetwork(analyzed, { weights: new SeededWeights(4), pool, seed: 4, keepAll: true });
    const x = given.get(input.node.id)!;
    const results = await session.run({ [input.node.id]: new ort!.Tensor("float32", new Float32Array(x.data), [1, ...x.shape]) });
    for (const [id, tensor] of expected) expect(relativeError(results[id]!.data, tensor.data), id).toBeLessThan(1e-5);
  }, 60_000);
});

describe("a recurrent export with a symbolic batch", () => {
  it.skipIf(!ort).each(["lstm 4 layers=2 bidirectional", "gru 4 bidirectional last", "rnn 4 layers=2 last bias=false"])("%s runs two sequences at once as it runs each alone", async (layer) => {
    const analyzed = analyzeText(`x: input 5x3\nh: ${layer}`);
    const session = await ort!.InferenceSession.create(exportOnnx(analyzed, { weights: new SeededWeights(2), batch: "batch" }));
    const [a, b] = [cases[0]!.input.data, cases[1]!.input.data];
    const both = await session.run({ x: new ort!.Tensor("float32", Float32Array.from([...a, ...b]), [2, 5, 3]) });
    const one = async (data: number[]) => (await session.run({ x: new ort!.Tensor("float32", Float32Array.from(data), [1, 5, 3]) })).h!.data;
    // onnxruntime's matrix products may sum a batch of two in another order: equal to float32's rounding.
    expect(worstError(both.h!.data, [...(await one(a)), ...(await one(b))])).toBeLessThan(1e-6);
  });
});
