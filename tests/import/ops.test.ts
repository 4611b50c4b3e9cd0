import { describe, expect, it } from "vitest";
import { analyzeSource } from "../../src/pipeline.js";
import { getOp } from "../../src/ops/index.js";
import { ShapeError, type OpArgs } from "../../src/ops/types.js";

// The layer kinds ONNX import needs, also writable in .netfig.
const none: OpArgs = { positional: [], named: {}, flags: [] };

function layers(text: string) {
  return analyzeSource(text, "t.netfig").networks[0]!.layers.map((l) => ({ op: l.node.op, shape: l.shape, params: l.params, macs: l.macs }));
}

describe("imported-model layer kinds", () => {
  it("relu6, clip, hardsigmoid and hardswish keep the shape and count nothing", () => {
    const rows = layers("input 8x8x4\nconv 4 3x3 pad=1 -> relu6 -> clip min=-2 max=2 -> hardsigmoid -> hardswish\n");
    expect(rows.slice(2)).toEqual(["relu6", "clip", "hardsigmoid", "hardswish"].map((op) => ({ op, shape: [8, 8, 4], params: 0, macs: 0 })));
    expect(getOp("hardsigmoid").compile(none)).toEqual({ alpha: 1 / 6, beta: 0.5 });
    expect(getOp("clip").compile(none)).toEqual({ min: -1, max: 1 });
    expect(() => getOp("clip").compile({ ...none, named: { min: { kind: "number", value: 2 }, max: { kind: "number", value: 1 } } })).toThrow(/min 2 is above max 1/);
  });

  it("scale multiplies a map by a 1x1xC gate (squeeze-and-excitation)", () => {
    const rows = layers("input 8x8x16\nx: conv 16 1x1\ngate: globalavgpool -> conv 4 1x1 -> relu -> conv 16 1x1 -> sigmoid\nscale from x, gate\n");
    expect(rows[rows.length - 1]).toEqual({ op: "scale", shape: [8, 8, 16], params: 0, macs: 0 });
    expect(() => getOp("scale").outShape([[8, 8, 16], [1, 1, 8]], {})).toThrow(ShapeError);
    expect(getOp("scale").outShape([[1, 1, 16], [8, 8, 16]], {})).toEqual([8, 8, 16]);
  });

  it("shuffle keeps the shape and needs channels divisible by its groups", () => {
    expect(layers("input 8x8x12\nshuffle 3\n")[1]).toEqual({ op: "shuffle", shape: [8, 8, 12], params: 0, macs: 0 });
    expect(() => analyzeSource("input 8x8x10\nshuffle 3\n", "t.netfig")).toThrow(/10 channels do not split into 3 groups/);
  });

  it("reshape keeps the element count", () => {
    expect(layers("input 32x32x8\nreshape 4x2048\nfc 12\n").map((r) => r.shape)).toEqual([[32, 32, 8], [4, 2048], [4, 12]]);
    expect(() => analyzeSource("input 4x4x2\nreshape 5x6\n", "t.netfig")).toThrow(/has 32 elements, 5x6 needs 30/);
  });

  it("opaque takes its declared shape, and without one says the shape is unknown", () => {
    expect(layers("input 8x8x3\nopaque type=GridSample shape=4x4x3\n")[1]).toEqual({ op: "opaque", shape: [4, 4, 3], params: 0, macs: 0 });
    expect(() => analyzeSource("input 8x8x3\nopaque type=GridSample\n", "t.netfig")).toThrow(/GridSample: output shape unknown/);
  });
});
