import { describe, expect, it } from "vitest";
import {
  adaptiveAvgPool2d,
  add,
  avgPool2d,
  batchNorm,
  channelShuffle,
  clip,
  concat,
  conv2d,
  conv2dParams,
  convTranspose2d,
  convTranspose2dParams,
  elu,
  globalAvgPool,
  globalMaxPool,
  hardSigmoid,
  hardSwish,
  leakyRelu,
  linear,
  localResponseNorm,
  lpPool2d,
  maxPool2d,
  mul,
  pool2dParams,
  relu,
  relu6,
  resizeBilinear,
  shortcutZeroPad,
  sigmoid,
  silu,
  softmax,
  tanh,
  upsampleBilinear,
  upsampleNearest,
  zeroPad2d,
} from "../../src/engine/kernels/index.js";
import type { Tensor } from "../../src/engine/tensor.js";
import { expected, fixtures, input, mismatch, optionalInput, type Case } from "./fixtures.js";

type Params = Case["params"];
const pair = (v: Params[string]) => v as [number, number];
const quad = (v: Params[string]) => v as [number, number, number, number];

function poolParams(p: Params) {
  return pool2dParams({
    kernel: pair(p.kernel),
    stride: pair(p.stride),
    padding: quad(p.padding),
    dilation: pair(p.dilation),
    ceilMode: p.ceilMode as boolean,
  });
}

/** Runs the kernel a fixture case names, with its parameters, on its inputs. */
function run(c: Case): Tensor {
  const x = () => input(c, "x");
  const p = c.params;
  switch (c.kernel) {
    case "conv2d":
      return conv2d(x(), input(c, "weight"), optionalInput(c, "bias")?.data ?? null,
        conv2dParams({ stride: pair(p.stride), padding: quad(p.padding), dilation: pair(p.dilation), groups: p.groups as number }));
    case "conv_transpose2d":
      return convTranspose2d(x(), input(c, "weight"), optionalInput(c, "bias")?.data ?? null,
        convTranspose2dParams({ stride: pair(p.stride), padding: pair(p.padding), outputPadding: pair(p.outputPadding), dilation: pair(p.dilation), groups: p.groups as number }));
    case "batchnorm":
      return batchNorm(x(), {
        gamma: input(c, "gamma").data,
        beta: input(c, "beta").data,
        runningMean: input(c, "runningMean").data,
        runningVar: input(c, "runningVar").data,
        eps: p.eps as number,
      });
    case "lrn":
      return localResponseNorm(x(), { size: p.size as number, alpha: p.alpha as number, beta: p.beta as number, k: p.k as number });
    case "maxpool":
      return maxPool2d(x(), poolParams(p));
    case "avgpool":
      return avgPool2d(x(), poolParams(p), p.countIncludePad as boolean);
    case "lppool":
      return lpPool2d(x(), p.normType as number, poolParams(p));
    case "adaptive_avgpool":
      return adaptiveAvgPool2d(x(), pair(p.size));
    case "global_avgpool":
      return globalAvgPool(x());
    case "global_maxpool":
      return globalMaxPool(x());
    case "relu":
      return relu(x());
    case "relu6":
      return relu6(x());
    case "leakyrelu":
      return leakyRelu(x(), p.slope as number);
    case "elu":
      return elu(x(), p.alpha as number);
    case "tanh":
      return tanh(x());
    case "sigmoid":
      return sigmoid(x());
    case "silu":
      return silu(x());
    case "clip":
      return clip(x(), p.min as number, p.max as number);
    case "hardsigmoid":
      return hardSigmoid(x());
    case "hardswish":
      return hardSwish(x());
    case "mul":
      return mul([x(), input(c, "x2")]);
    case "channel_shuffle":
      return channelShuffle(x(), p.groups as number);
    case "softmax":
      return softmax(x());
    case "linear":
      return linear(x(), input(c, "weight"), optionalInput(c, "bias")?.data ?? null);
    case "upsample_nearest":
      return upsampleNearest(x(), pair(p.scale));
    case "upsample_bilinear":
      return upsampleBilinear(x(), pair(p.scale));
    case "resize_bilinear":
      return resizeBilinear(x(), pair(p.size));
    case "zeropad":
      return zeroPad2d(x(), quad(p.padding));
    case "concat":
      return concat([x(), input(c, "x2")]);
    case "add":
      return add([x(), input(c, "x2")]);
    case "shortcut_zeropad":
      return shortcutZeroPad(x(), p.stride as number, p.outChannels as number, p.before as number);
    default:
      throw new Error(`no kernel for fixture kind ${c.kernel}`);
  }
}

describe(`kernels against PyTorch ${fixtures.torch} (tolerance 1e-4)`, () => {
  const cases = fixtures.cases.filter((c) => c.kernel !== "image");
  it("covers every required kind", () => {
    const kinds = new Set(cases.map((c) => c.kernel));
    for (const k of ["conv2d", "conv_transpose2d", "batchnorm", "lrn", "maxpool", "avgpool", "lppool", "concat", "add", "softmax",
      "upsample_nearest", "upsample_bilinear", "linear", "shortcut_zeropad", "global_avgpool", "global_maxpool", "adaptive_avgpool", "zeropad"]) {
      expect(kinds, k).toContain(k);
    }
  });
  for (const c of cases) {
    it(c.name, () => {
      expect(mismatch(run(c), expected(c))).toBeLessThanOrEqual(1);
    });
  }
});

describe("the classic 6x6 vertical-edge example", () => {
  it("bright-left step image gives 0, 30, 30, 0 in every row, as PyTorch does", () => {
    const c = fixtures.cases.find((k) => k.name === "edge_step")!;
    const out = run(c);
    expect(Array.from(out.data)).toEqual(Array.from(expected(c).data));
    expect(Array.from(out.data.subarray(0, 4))).toEqual([0, 30, 30, 0]);
  });
  it("Andrew Ng's matrix gives a first output of -5: cross-correlation, the kernel is not flipped", () => {
    const c = fixtures.cases.find((k) => k.name === "edge_ng")!;
    const out = run(c);
    expect(out.shape).toEqual([1, 4, 4]);
    expect(out.data[0]).toBe(-5);
    expect(Array.from(out.data)).toEqual(Array.from(expected(c).data));
  });
});

describe("kernel argument checks", () => {
  const x: Tensor = { shape: [4, 5, 5], data: new Float32Array(100) };
  it("rejects a weight whose input channels disagree", () => {
    expect(() => conv2d(x, { shape: [2, 3, 3, 3], data: new Float32Array(54) }, null, conv2dParams())).toThrow(/expects 3 input channels/);
  });
  it("rejects a kernel larger than the padded input", () => {
    expect(() => conv2d(x, { shape: [2, 4, 7, 7], data: new Float32Array(392) }, null, conv2dParams())).toThrow(/does not fit/);
  });
  it("rejects channels not divisible by groups", () => {
    expect(() => conv2d(x, { shape: [3, 2, 1, 1], data: new Float32Array(6) }, null, conv2dParams({ groups: 2 }))).toThrow(/divisible/);
  });
  it("rejects a bias of the wrong length", () => {
    expect(() => conv2d(x, { shape: [2, 4, 1, 1], data: new Float32Array(8) }, new Float32Array(3), conv2dParams())).toThrow(/bias/);
  });
  it("rejects add of different shapes and concat off-axis mismatches", () => {
    expect(() => add([x, { shape: [4, 5, 4], data: new Float32Array(80) }])).toThrow(/differ/);
    expect(() => concat([x, { shape: [1, 4, 5], data: new Float32Array(20) }])).toThrow(/differ/);
  });
});
