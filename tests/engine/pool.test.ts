import { afterAll, describe, expect, it } from "vitest";
import { conv2d, conv2dParams, convTranspose2d, convTranspose2dParams, linear } from "../../src/engine/kernels/index.js";
import { initParam } from "../../src/engine/init.js";
import { ComputePool } from "../../src/engine/pool.js";
import type { Tensor } from "../../src/engine/tensor.js";
import { caseByName, expected, input, mismatch } from "./fixtures.js";

// Split everything, however small, so every test exercises the blocks.
const pool = new ComputePool(2, 0);
const three = new ComputePool(3, 0);
afterAll(() => Promise.all([pool.close(), three.close()]));

const rand = (name: string, shape: number[]): Tensor => initParam(3, name, shape, { kind: "xavier", fanIn: 1, fanOut: 1 });
const bits = (t: Tensor) => Array.from(new Uint32Array(t.data.slice().buffer));

describe("ComputePool gives the single-thread kernels' bits exactly", () => {
  it("splitting a conv by output position (many positions)", async () => {
    const x = rand("x", [16, 30, 29]), w = rand("w", [12, 16, 3, 3]), b = rand("b", [12]).data;
    const p = conv2dParams({ padding: 1 });
    const one = conv2d(x, w, b, p), two = await pool.conv2d(x, w, b, p);
    expect(two.shape).toEqual(one.shape);
    expect(bits(two)).toEqual(bits(one));
  });
  it("splitting a grouped, strided conv by output channel (few positions), blocks straddling groups", async () => {
    // 3 groups of 32 channels; two threads cut at channel 48, three at 32 and 64.
    const x = rand("x", [48, 9, 9]), w = rand("w", [96, 16, 3, 3]);
    const p = conv2dParams({ stride: 2, padding: [1, 0, 1, 2], groups: 3 });
    const one = conv2d(x, w, null, p);
    expect(bits(await pool.conv2d(x, w, null, p))).toEqual(bits(one));
    expect(bits(await three.conv2d(x, w, null, p))).toEqual(bits(one));
  });
  it("transposed conv (blocks straddling groups) and linear", async () => {
    const x = rand("x", [9, 5, 5]), w = rand("w", [9, 10, 4, 4]);
    const p = convTranspose2dParams({ stride: 2, padding: 1, groups: 3 });
    expect(bits(await three.convTranspose2d(x, w, null, p))).toEqual(bits(convTranspose2d(x, w, null, p)));
    expect(bits(await pool.convTranspose2d(x, w, null, p))).toEqual(bits(convTranspose2d(x, w, null, p)));
    const v = rand("v", [300]), lw = rand("lw", [700, 300]), lb = rand("lb", [700]).data;
    expect(bits(await pool.linear(v, lw, lb))).toEqual(bits(linear(v, lw, lb)));
    const seq = rand("seq", [3, 300]);
    expect(bits(await pool.linear(seq, lw, null))).toEqual(bits(linear(seq, lw, null)));
  });
  it("matches PyTorch on a fixture", async () => {
    const c = caseByName("conv_deep");
    const out = await pool.conv2d(input(c, "x"), input(c, "weight"), input(c, "bias").data, conv2dParams({ padding: 1 }));
    expect(mismatch(out, expected(c))).toBeLessThanOrEqual(1);
  });
  it("rejects bad shapes before dispatching", async () => {
    await expect(pool.conv2d(rand("x", [3, 8, 8]), rand("w", [4, 2, 3, 3]), null, conv2dParams())).rejects.toThrow(/input channels/);
  });
});
