import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze/analyze.js";
import { importOnnx } from "../../src/import/onnx/import.js";
import { encodeModel, type TestModel, type TestNode } from "./onnx-build.js";

/**
 * tf2onnx's shape of a Keras CNN: the image arrives NHWC, a Transpose(0,3,1,2) makes it
 * NCHW for the convolutions, a Transpose(0,2,3,1) makes it NHWC again for Keras'
 * GlobalAveragePooling2D (ReduceMean over axes 1, 2) or Flatten (a Reshape to
 * [-1, H·W·C]), and Dense is MatMul + Add. Imported, it must count exactly what its
 * NCHW twin (PyTorch's export of the same network) counts.
 */

const WEIGHTS = { w1: { dims: [16, 3, 3, 3] }, b1: { dims: [16] }, w2: { dims: [32, 16, 3, 3] }, b2: { dims: [32] } };
const CONVS: TestNode[] = [
  { op: "Conv", name: "conv1", inputs: ["x_nchw", "w1", "b1"], outputs: ["c1"], ints: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
  { op: "Relu", name: "relu1", inputs: ["c1"], outputs: ["r1"] },
  { op: "MaxPool", name: "pool1", inputs: ["r1"], outputs: ["p1"], ints: { kernel_shape: [2, 2], strides: [2, 2] } },
  { op: "Conv", name: "conv2", inputs: ["p1", "w2", "b2"], outputs: ["c2"], ints: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
  { op: "Relu", name: "relu2", inputs: ["c2"], outputs: ["r2"] },
];
const toNchw: TestNode = { op: "Transpose", name: "transpose_in", inputs: ["x"], outputs: ["x_nchw"], ints: { perm: [0, 3, 1, 2] } };
const toNhwc: TestNode = { op: "Transpose", name: "transpose_out", inputs: ["r2"], outputs: ["r2_nhwc"], ints: { perm: [0, 2, 3, 1] } };
const rename = (nodes: TestNode[]) => nodes.map((n) => ({ ...n, inputs: n.inputs.map((i) => (i === "x_nchw" ? "x" : i)) }));

function pooled(layout: "nchw" | "nhwc"): TestModel {
  const head: TestNode[] = layout === "nhwc"
    ? [toNhwc, { op: "ReduceMean", name: "gap", inputs: ["r2_nhwc"], outputs: ["g"], ints: { axes: [1, 2], keepdims: [0] } }]
    : [{ op: "GlobalAveragePool", name: "gap", inputs: ["r2"], outputs: ["g4"] }, { op: "Flatten", name: "flat", inputs: ["g4"], outputs: ["g"] }];
  return {
    input: layout === "nhwc" ? ["N", 32, 32, 3] : ["N", 3, 32, 32],
    weights: { ...WEIGHTS, w3: { dims: [32, 10] }, b3: { dims: [10] } },
    nodes: [...(layout === "nhwc" ? [toNchw, ...CONVS] : rename(CONVS)), ...head,
      { op: "MatMul", name: "dense", inputs: ["g", "w3"], outputs: ["d"] }, { op: "Add", name: "dense_bias", inputs: ["d", "b3"], outputs: ["y"] }],
  };
}

function flattened(layout: "nchw" | "nhwc"): TestModel {
  const head: TestNode[] = layout === "nhwc"
    ? [toNhwc, { op: "Reshape", name: "flatten", inputs: ["r2_nhwc", "shape"], outputs: ["f"] }]
    : [{ op: "Flatten", name: "flatten", inputs: ["r2"], outputs: ["f"] }];
  return {
    input: layout === "nhwc" ? ["N", 32, 32, 3] : ["N", 3, 32, 32],
    weights: { ...WEIGHTS, w3: { dims: [16 * 16 * 32, 10] }, b3: { dims: [10] } },
    ints: { shape: [-1, 16 * 16 * 32] },
    nodes: [...(layout === "nhwc" ? [toNchw, ...CONVS] : rename(CONVS)), ...head,
      { op: "MatMul", name: "dense", inputs: ["f", "w3"], outputs: ["d"] }, { op: "Add", name: "dense_bias", inputs: ["d", "b3"], outputs: ["y"] }],
  };
}

function imported(model: TestModel) {
  const onnx = importOnnx(encodeModel(model), "keras.onnx");
  return { warnings: onnx.warnings.map((w) => w.message), network: analyze(onnx.graph).networks[0]! };
}

const rows = (network: ReturnType<typeof imported>["network"]) => network.layers.map((l) => [l.node.op, l.shape, l.params, l.macs]);

describe("a tf2onnx-style NHWC graph", () => {
  it("global pooling: the same layers, shapes and totals as the NCHW twin, no block for the transposes", () => {
    const nhwc = imported(pooled("nhwc"));
    const nchw = imported(pooled("nchw"));
    expect(rows(nhwc.network)).toEqual(rows(nchw.network));
    expect(nhwc.network.layers[0]!.shape).toEqual([32, 32, 3]);
    // conv1 3·3·3·16 + 16, conv2 3·3·16·32 + 32, dense 32·10 + 10
    expect(nhwc.network.totals.params).toBe(448 + 4640 + 330);
    // conv1 32·32·16·27, conv2 16·16·32·144, dense 320
    expect(nhwc.network.totals.macs).toBe(442368 + 1179648 + 320);
    expect(nhwc.warnings).toEqual([]);
  });

  it("flatten: the same totals, and a warning that the elements come in H,W,C order", () => {
    const nhwc = imported(flattened("nhwc"));
    const nchw = imported(flattened("nchw"));
    expect(rows(nhwc.network)).toEqual(rows(nchw.network));
    expect(nhwc.network.totals.params).toBe(448 + 4640 + 8192 * 10 + 10);
    expect(nhwc.warnings).toEqual([expect.stringContaining("flattens a channels-last (NHWC) image")]);
  });
});
