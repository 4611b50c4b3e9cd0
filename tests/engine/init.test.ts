import { describe, expect, it } from "vitest";
import { initParam, seededInput, SplitMix32 } from "../../src/engine/init.js";
import { batchNormWeights, convWeights, linearWeights } from "../../src/engine/params.js";
import { SeededWeights } from "../../src/engine/weights.js";

describe("seeded initialisation", () => {
  it("is a fixed function of seed and name (pinned values, the same on every machine)", () => {
    const w = initParam(42, "conv1.weight", [2, 3], { kind: "he", fanIn: 27 });
    // Pinned: uniform draws use only integer arithmetic, one division and Math.sqrt.
    expect(Array.from(w.data).map((v) => v.toFixed(6))).toEqual(["0.126748", "-0.063206", "-0.060404", "0.025314", "-0.455750", "0.157155"]);
    expect(initParam(42, "conv1.weight", [2, 3], { kind: "he", fanIn: 27 }).data).toEqual(w.data);
  });
  it("differs between names and seeds, and does not depend on other parameters", () => {
    const a = initParam(1, "a.weight", [100], { kind: "he", fanIn: 9 });
    expect(initParam(1, "b.weight", [100], { kind: "he", fanIn: 9 }).data).not.toEqual(a.data);
    expect(initParam(2, "a.weight", [100], { kind: "he", fanIn: 9 }).data).not.toEqual(a.data);
  });
  it("He and Xavier draw within their bounds with roughly the uniform variance", () => {
    const he = initParam(5, "he", [20000], { kind: "he", fanIn: 50 });
    const bound = Math.sqrt(6 / 50);
    let sq = 0;
    for (const v of he.data) {
      expect(Math.abs(v)).toBeLessThanOrEqual(bound);
      sq += v * v;
    }
    // Var of U(-b, b) is b²/3 = 2/fanIn: He's variance for ReLU.
    expect(sq / he.data.length).toBeCloseTo(2 / 50, 3);
    const xa = initParam(5, "xa", [1000], { kind: "xavier", fanIn: 10, fanOut: 20 });
    expect(Math.max(...xa.data.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 30));
  });
  it("constants fill", () => {
    expect(Array.from(initParam(0, "bn.weight", [3], { kind: "constant", value: 1 }).data)).toEqual([1, 1, 1]);
  });
  it("seeded inputs have unit variance and repeat", () => {
    const z = seededInput(9, [100, 1, 1]);
    expect(z.shape).toEqual([100, 1, 1]);
    const big = seededInput(9, [50000]).data;
    expect(big.reduce((s, v) => s + v * v, 0) / big.length).toBeCloseTo(1, 1);
    expect(seededInput(9, [100, 1, 1]).data).toEqual(z.data);
  });
  it("large tensors (drawn by the WebAssembly kernel, 2^18 values per call) have the bits of the SplitMix32 loop", () => {
    // 2^20 + 4099 values: five kernel calls, the last ending in a three-value scalar tail.
    const n = (1 << 20) + 4099;
    const big = initParam(3, "fc6.weight", [n], { kind: "he", fanIn: 9216 });
    const bound = Math.sqrt(6 / 9216);
    let h = (0x811c9dc5 ^ 3) >>> 0;
    for (const ch of "fc6.weight") h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    const rng = new SplitMix32(h);
    const loop = new Float32Array(n);
    for (let i = 0; i < n; i++) loop[i] = (2 * rng.nextFloat() - 1) * bound;
    expect(Buffer.from(big.data.buffer).equals(Buffer.from(loop.buffer))).toBe(true);
  });
  it("SplitMix32 yields floats in [0, 1)", () => {
    const r = new SplitMix32(0);
    for (let i = 0; i < 1000; i++) {
      const v = r.nextFloat();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
  });
});

describe("layer parameters by PyTorch state-dict names", () => {
  it("seeded: conv He, bias and BN constants, fc Xavier", () => {
    const src = new SeededWeights(7);
    const conv = convWeights(src, "layer1.0.conv1", 64, 128, [3, 3], 2, true);
    expect(conv.weight.shape).toEqual([128, 32, 3, 3]);
    expect(Math.max(...conv.weight.data.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / (32 * 9)));
    expect(Array.from(conv.bias!)).toEqual(new Array(128).fill(0));
    const bn = batchNormWeights(src, "bn1", 4);
    expect([...bn.gamma, ...bn.beta, ...bn.runningMean, ...bn.runningVar]).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    expect(linearWeights(src, "fc", 10, 3, false, "xavier").bias).toBeNull();
  });
  it("from a file: asks for the PyTorch names and shapes", () => {
    const asked: string[] = [];
    const spy = { get: (name: string, shape: readonly number[]) => (asked.push(`${name} [${shape.join(",")}]`), { shape: [...shape], data: new Float32Array(shape.reduce((a, b) => a * b, 1)) }) };
    convWeights(spy, "conv1", 3, 64, [7, 7], 1, false);
    batchNormWeights(spy, "bn1", 64);
    linearWeights(spy, "fc", 512, 1000, true, "xavier");
    expect(asked).toEqual([
      "conv1.weight [64,3,7,7]",
      "bn1.weight [64]", "bn1.bias [64]", "bn1.running_mean [64]", "bn1.running_var [64]",
      "fc.weight [1000,512]", "fc.bias [1000]",
    ]);
  });
});
