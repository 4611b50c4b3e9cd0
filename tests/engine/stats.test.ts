import { describe, expect, it } from "vitest";
import { channelMoments, finiteRange } from "../../src/engine/kernels/stats.js";
import { initParam } from "../../src/engine/init.js";

describe("tensor statistics for figures (WebAssembly)", () => {
  it("the finite range skips NaN and ±Infinity, across the 2^18-value chunks and the scalar tail", () => {
    const data = initParam(4, "x", [(1 << 20) + 7], { kind: "xavier", fanIn: 1, fanOut: 1 }).data;
    data[3] = NaN;
    data[100] = Infinity;
    data[(1 << 20) + 5] = -Infinity;
    data[(1 << 20) + 6] = -9; // in the last chunk's tail
    data[5] = 8;
    expect(finiteRange(data)).toEqual({ min: -9, max: 8 });
    expect(finiteRange(new Float32Array([NaN, Infinity]))).toEqual({ min: Infinity, max: -Infinity });
  });
  it("channel moments are the double sums JavaScript's index-order loop gives, bit for bit", () => {
    const [C, n] = [5, 300_001]; // channels longer than a chunk: one per call
    const data = initParam(4, "y", [C * n], { kind: "he", fanIn: 6 }).data;
    const moments = channelMoments(data, C, n);
    for (let c = 0; c < C; c++) {
      let sum = 0, squares = 0;
      for (let i = c * n; i < (c + 1) * n; i++) {
        sum += data[i]!;
        squares += data[i]! * data[i]!;
      }
      expect([moments[2 * c], moments[2 * c + 1]]).toEqual([sum, squares]);
    }
  });
});
