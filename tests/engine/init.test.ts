import { describe, expect, it } from "vitest";
import { initParam, SplitMix32 } from "../../src/engine/init.js";

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
  it("SplitMix32 yields floats in [0, 1)", () => {
    const r = new SplitMix32(0);
    for (let i = 0; i < 1000; i++) {
      const v = r.nextFloat();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
  });
});
