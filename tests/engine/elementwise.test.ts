import { describe, expect, it } from "vitest";
import { relu } from "../../src/engine/kernels/activation.js";
import { batchNorm } from "../../src/engine/kernels/norm.js";
import { add } from "../../src/engine/kernels/shape.js";
import { initParam } from "../../src/engine/init.js";

// ReLU, additions and batch norm run in WebAssembly SIMD; these pin them to the
// JavaScript arithmetic they replaced, bit for bit, across the 2^18-value chunks.
const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const rand = (name: string, n: number) => initParam(8, name, [n], { kind: "xavier", fanIn: 1, fanOut: 1 }).data;

describe("elementwise kernels in WebAssembly", () => {
  const n = (1 << 20) + 3;
  it("relu keeps NaN, maps -0 and negatives to +0, and equals the scalar loop", () => {
    const x = rand("x", n);
    x[0] = NaN;
    x[1] = -0;
    x[(1 << 20) + 1] = -Infinity;
    x[(1 << 20) + 2] = Infinity;
    const want = x.map((v) => (v > 0 || v !== v ? v : 0));
    const got = relu({ shape: [n], data: x }).data;
    expect(bits(got).equals(bits(want))).toBe(true);
    expect(Object.is(got[1], 0)).toBe(true);
  });
  it("add sums left to right in float, as the double sum rounded back", () => {
    const [a, b, c] = [rand("a", n), rand("b", n), rand("c", n)];
    const want = new Float32Array(n);
    for (let i = 0; i < n; i++) want[i] = Math.fround(Math.fround(a[i]! + b[i]!) + c[i]!);
    const got = add([{ shape: [n], data: a }, { shape: [n], data: b }, { shape: [n], data: c }]).data;
    expect(bits(got).equals(bits(want))).toBe(true);
  });
  it("batch norm is x·scale + shift in double, rounded once, channel by channel (channels longer than a chunk too)", () => {
    for (const [C, per] of [[3, 700_001], [2, (1 << 20) + 5]] as const) {
      const x = rand("bn", C * per);
      const p = { gamma: rand("g", C), beta: rand("be", C), runningMean: rand("m", C), runningVar: rand("v", C).map((v) => v * v + 0.5), eps: 1e-5 };
      const want = new Float32Array(C * per);
      for (let c = 0; c < C; c++) {
        const scale = p.gamma[c]! / Math.sqrt(p.runningVar[c]! + p.eps);
        const shift = p.beta[c]! - p.runningMean[c]! * scale;
        for (let i = c * per; i < (c + 1) * per; i++) want[i] = x[i]! * scale + shift;
      }
      expect(bits(batchNorm({ shape: [C, per], data: x }, p).data).equals(bits(want))).toBe(true);
    }
  });
});
