import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze/analyze.js";
import { importOnnx } from "../../src/import/onnx/import.js";
import { encodeModel, type TestModel } from "./onnx-build.js";

function layers(model: TestModel) {
  const imported = importOnnx(encodeModel(model), "test.onnx");
  return analyze(imported.graph).networks[0]!.layers.map((l) => [l.node.op, l.shape, l.node.attrs]);
}

describe("ONNX Split, Slice, Squeeze and ReduceMean", () => {
  it("Split of channels into unequal parts is one slice per output, in order; the parts concatenate back", () => {
    expect(layers({
      input: ["N", 8, 4, 4],
      ints: { sizes: [3, 5] },
      nodes: [
        { op: "Split", name: "/split/Split", inputs: ["x", "sizes"], outputs: ["a", "b"], ints: { axis: [1] } },
        { op: "Relu", name: "/relu/Relu", inputs: ["b"], outputs: ["r"] },
        { op: "Concat", name: "/cat/Concat", inputs: ["r", "a"], outputs: ["y"], ints: { axis: [1] } },
      ],
    })).toEqual([
      ["input", [4, 4, 8], { shape: [4, 4, 8] }],
      ["slice", [4, 4, 3], { channels: 3, from: 0 }],
      ["slice", [4, 4, 5], { channels: 5, from: 3 }],
      ["relu", [4, 4, 5], {}],
      ["concat", [4, 4, 8], {}],
    ]);
  });

  it("a Slice of the channels clamps its ends as ONNX does; a Slice of everything is no layer", () => {
    expect(layers({
      input: ["N", 6, 4, 4],
      ints: { starts: [2], ends: [1000], axes: [1], all: [0], end: [-1] },
      nodes: [
        { op: "Slice", name: "/a/Slice", inputs: ["x", "starts", "ends", "axes"], outputs: ["a"] },
        { op: "Slice", name: "/b/Slice", inputs: ["a", "all", "ends", "axes"], outputs: ["b"] },
        { op: "Slice", name: "/c/Slice", inputs: ["b", "all", "end", "axes"], outputs: ["y"] },
      ],
    }).map(([op, shape, attrs]) => [op, shape, attrs])).toEqual([
      ["input", [4, 4, 6], { shape: [4, 4, 6] }],
      ["slice", [4, 4, 4], { channels: 4, from: 2 }],
      ["slice", [4, 4, 3], { channels: 3, from: 0 }],
    ]);
  });

  it("ReduceMean over H and W without keepdims is global average pooling then flatten, as Squeeze of a 1x1 map is a flatten", () => {
    const model = (head: TestModel["nodes"]): TestModel => ({ input: ["N", 8, 5, 5], nodes: head });
    expect(layers(model([{ op: "ReduceMean", name: "/mean/ReduceMean", inputs: ["x"], outputs: ["y"], ints: { axes: [2, 3], keepdims: [0] } }])).map(([op, shape]) => [op, shape]))
      .toEqual([["input", [5, 5, 8]], ["globalavgpool", [1, 1, 8]], ["flatten", [8]]]);
    expect(layers(model([
      { op: "GlobalAveragePool", name: "/gap/GlobalAveragePool", inputs: ["x"], outputs: ["g"] },
      { op: "Squeeze", name: "/squeeze/Squeeze", inputs: ["g"], outputs: ["y"], ints: { axes: [2, 3] } },
    ])).map(([op, shape]) => [op, shape])).toEqual([["input", [5, 5, 8]], ["globalavgpool", [1, 1, 8]], ["flatten", [8]]]);
  });
});
