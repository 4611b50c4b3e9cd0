import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import onnxProto from "onnx-proto";
import { afterAll, describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze/analyze.js";
import { ComputePool } from "../../src/engine/pool.js";
import type { Tensor } from "../../src/engine/tensor.js";
import type { WeightSource } from "../../src/engine/weights.js";
import { runNetwork } from "../../src/execute/run.js";
import { importOnnx } from "../../src/import/onnx/import.js";
import { OnnxWeights } from "../../src/import/onnx/weights.js";
import { NetfigError } from "../../src/lang/diagnostics.js";
import { root } from "../helpers/netfig.js";
import { encodeModel, type TestModel } from "./onnx-build.js";

/**
 * nn.RNN, nn.LSTM and nn.GRU (batch_first=True) as torch.onnx.export writes them at opset 14
 * (tests/fixtures/onnx/recurrent/generate.py, torch 1.13: 1 and 2 layers, one direction and
 * bidirectional, all steps and output[:, -1], with and without bias, and a small text
 * classifier) import as one rnn/lstm/gru layer each, with the layer count, output shape,
 * parameters and MACs PyTorch gives, and run on the file's own weights to PyTorch's output.
 */
interface Fixed {
  shape: number[];
  data: number[];
}
interface Reference {
  model: string;
  source: string;
  input: Fixed;
  output: Fixed;
  params: number;
  macs: number;
  layers: [string, number[], number, number][];
}
const FIXTURES = `${root}/tests/fixtures/onnx/recurrent`;
const REFERENCES: Reference[] = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(FIXTURES, f), "utf8")) as Reference);

/** Every parameter must come from the file: a name the importer did not map is a bug, not a seeded stand-in. */
const NOWHERE: WeightSource = {
  get(name) {
    throw new Error(`the file gives no parameter ${name}`);
  },
};

const pool = new ComputePool(1);
afterAll(() => pool.close());

function load(model: string) {
  const onnx = importOnnx(gunzipSync(readFileSync(join(FIXTURES, `${model}.onnx.gz`))), `${model}.onnx`);
  return { onnx, network: analyze(onnx.graph).networks[0]! };
}

describe("torch's recurrent exports", () => {
  it("cover each kind, stacking, both directions, the last step and no bias", () => {
    expect(REFERENCES.map((r) => r.model)).toEqual(["gru_2l_bi", "gru_last", "lstm_2l_bi", "lstm_2l_last_nobias", "rnn_2l", "rnn_bi_last_nobias", "text_classifier"]);
  });

  it.each(REFERENCES.map((r) => [r.model, r.source.split(";")[0]!, r] as const))("%s (%s) imports as PyTorch's layers, with its shapes, parameters and MACs", (_model, _source, r) => {
    const { onnx, network } = load(r.model);
    expect(onnx.warnings).toEqual([]);
    const layers = network.layers.slice(1).map((l) => [l.node.op, l.shape, l.params, l.macs]);
    expect(layers).toEqual(r.layers);
    expect(network.totals.params).toBe(r.params);
    expect(network.totals.macs).toBe(r.macs);
  });

  it.each(REFERENCES.map((r) => [r.model, r] as const))("%s runs on the file's weights to PyTorch's output within 1e-4", async (_model, r) => {
    const { onnx, network } = load(r.model);
    const input: Tensor = { shape: r.input.shape, data: Float32Array.from(r.input.data) };
    const outputs = await runNetwork(network, { weights: new OnnxWeights(onnx, NOWHERE, `${r.model}.onnx`), pool, inputs: new Map([[network.layers[0]!.node.id, input]]), seed: 0 });
    const actual = outputs.get(network.layers.at(-1)!.node.id)!;
    expect(actual.shape).toEqual(r.output.shape);
    expect(r.output.data.reduce((worst, e, i) => Math.max(worst, Math.abs(actual.data[i]! - e)), 0)).toBeLessThan(1e-4);
  });

  it("reads a stacked bidirectional LSTM's settings as written: lstm 4 layers=2 bidirectional, with bias", () => {
    const rnn = load("lstm_2l_bi").network.layers[1]!.node;
    expect([rnn.id, rnn.op, rnn.attrs]).toEqual(["rnn", "lstm", { hidden: 4, layers: 2, bidirectional: true, last: false, bias: true }]);
  });
});

describe("recurrent nodes PyTorch's layers cannot be", () => {
  const H = 2;
  /** A one-node GRU graph on a [batch, 3, 2] sequence, as torch lays it out, with `change` applied to the node. */
  function gru(change: (node: TestModel["nodes"][number]) => void, extra: Partial<TestModel> = {}): Uint8Array {
    const node = { op: "GRU", name: "/rnn/GRU", inputs: ["steps", "W", "R"], outputs: ["y"], ints: { hidden_size: [H], linear_before_reset: [1] } as Record<string, number[]>, strings: {} as Record<string, string> };
    change(node);
    return encodeModel({
      input: ["batch", 3, 2],
      weights: extra.parameters ? extra.weights : { W: { dims: [1, 3 * H, 2] }, R: { dims: [1, 3 * H, H] }, ...extra.weights },
      parameters: extra.parameters,
      ints: { axes: [1] },
      nodes: [
        { op: "Transpose", name: "/rnn/Transpose", inputs: ["x"], outputs: ["steps"], ints: { perm: [1, 0, 2] } },
        node,
        { op: "Squeeze", name: "/rnn/Squeeze", inputs: ["y", "axes"], outputs: ["squeezed"] },
        { op: "Transpose", name: "/rnn/Transpose_1", inputs: ["squeezed"], outputs: ["output"], ints: { perm: [1, 0, 2] } },
      ],
    });
  }
  const failure = (bytes: Uint8Array) => {
    try {
      importOnnx(bytes, "gru.onnx");
    } catch (error) {
      if (error instanceof NetfigError) return error.diagnostics[0]!.message;
      throw error;
    }
    throw new Error("expected the import to fail");
  };

  it("imports the plain GRU: gru 2", () => {
    const network = analyze(importOnnx(gru(() => undefined), "gru.onnx").graph).networks[0]!;
    expect(network.layers.map((l) => [l.node.op, l.shape])).toEqual([["input", [3, 2]], ["gru", [3, 2]]]);
  });

  it("reads W and R given as graph inputs without values (export_params=False) as its parameters, not as inputs", () => {
    // nn.GRU(2, 2, bias=False): W_ih and W_hh of 3·2×2 each.
    const { graph, warnings } = importOnnx(gru(() => undefined, { parameters: { W: [1, 3 * H, 2], R: [1, 3 * H, H] } }), "gru.onnx");
    const network = analyze(graph).networks[0]!;
    expect(network.layers.map((l) => [l.node.op, l.shape, l.params])).toEqual([["input", [3, 2], 0], ["gru", [3, 2], 24]]);
    expect(warnings.map((w) => w.message)).toEqual(["gru.onnx: 2 graph inputs are parameters without values (an export_params=False export); the network's input is 'x'"]);
  });

  it("refuses a sequence that arrives steps first (batch_first=False)", () => {
    const bytes = encodeModel({
      input: [3, 1, 2],
      weights: { W: { dims: [1, 3 * H, 2] }, R: { dims: [1, 3 * H, H] } },
      nodes: [{ op: "GRU", name: "/rnn/GRU", inputs: ["x", "W", "R"], outputs: ["y"], ints: { hidden_size: [H], linear_before_reset: [1] } }],
    });
    expect(failure(bytes)).toBe("gru.onnx: node '/rnn/GRU' (GRU): reads a sequence that was not batch first; netfig's layers are batch_first");
  });

  it("refuses a bias that is not [directions, 2·gates·H]", () => {
    const bytes = gru((n) => n.inputs.push("B"), { weights: { B: { dims: [1, 3 * H] } } });
    expect(failure(bytes)).toBe("gru.onnx: node '/rnn/GRU' (GRU): B [1, 6] is not [1, 12]");
  });

  it("refuses linear_before_reset=0, whose reset gate is not nn.GRU's", () => {
    expect(failure(gru((n) => (n.ints.linear_before_reset = [0])))).toBe("gru.onnx: node '/rnn/GRU' (GRU): has linear_before_reset=0: its reset gate scales h before W_hn, not nn.GRU's W_hn·h + b_hn");
  });

  it("refuses a reverse-only direction, which no PyTorch layer has", () => {
    expect(failure(gru((n) => (n.strings.direction = "reverse")))).toBe("gru.onnx: node '/rnn/GRU' (GRU): runs in reverse only, which no PyTorch layer does");
  });

  it("refuses an initial state that is not zero", () => {
    const bytes = gru((n) => n.inputs.push("", "", "h0"), { weights: { h0: { dims: [1, 1, H], values: Float32Array.of(0.5, 0) } } });
    expect(failure(bytes)).toBe("gru.onnx: node '/rnn/GRU' (GRU): starts from a given initial state; netfig's layers start from zero, as nn.LSTM called without (h0, c0)");
  });

  it("refuses other activations than PyTorch's", () => {
    expect(failure(withActivations(gru(() => undefined), ["Relu", "Tanh"]))).toBe("gru.onnx: node '/rnn/GRU' (GRU): uses activations Relu, Tanh, not PyTorch's Sigmoid, Tanh");
  });
});

/** The model with `activations` set on its recurrent node (the test builder writes no string lists). */
function withActivations(bytes: Uint8Array, activations: string[]): Uint8Array {
  const { onnx } = onnxProto;
  const model = onnx.ModelProto.decode(bytes);
  const node = model.graph!.node!.find((n) => n.opType === "GRU")!;
  node.attribute!.push({ name: "activations", strings: activations.map((a) => new TextEncoder().encode(a)), type: onnx.AttributeProto.AttributeType.STRINGS });
  return onnx.ModelProto.encode(model).finish();
}
