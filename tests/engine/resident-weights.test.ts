import { afterAll, describe, expect, it } from "vitest";
import { conv2d, conv2dParams, linear } from "../../src/engine/kernels/index.js";
import { initParam, type InitSpec } from "../../src/engine/init.js";
import { ComputePool } from "../../src/engine/pool.js";
import type { Tensor } from "../../src/engine/tensor.js";
import { ResidentWeights, SeededWeights, type WeightSource } from "../../src/engine/weights.js";

const pool = new ComputePool(2, 0);
afterAll(() => pool.close());

const bits = (t: Tensor) => Array.from(new Uint32Array(t.data.slice().buffer));
const he = (fanIn: number): InitSpec => ({ kind: "he", fanIn });

/** A source that counts what it is asked for. */
function counting(source: WeightSource): WeightSource & { asked: string[] } {
  const asked: string[] = [];
  return { asked, get: (name, shape, init) => (asked.push(name), source.get(name, shape, init)) };
}

describe("ResidentWeights: a model's weights held in a pool's memory across runs", () => {
  it("asks its source once per parameter and hands out the same tensor, a view of the pool's memory, after", () => {
    const source = counting(new SeededWeights(5));
    const held = new ResidentWeights(source, pool);
    const a = held.get("conv1.weight", [8, 3, 3, 3], he(27));
    const b = held.get("conv1.weight", [8, 3, 3, 3], he(27));
    expect(b).toBe(a);
    expect(source.asked).toEqual(["conv1.weight"]);
    expect(a.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    // Values are the source's, bit for bit.
    expect(bits(a)).toEqual(bits(new SeededWeights(5).get("conv1.weight", [8, 3, 3, 3], he(27))));
    held.release();
    expect(held.get("conv1.weight", [8, 3, 3, 3], he(27))).not.toBe(a);
    expect(source.asked).toEqual(["conv1.weight", "conv1.weight"]);
    held.release();
  });
  it("holds a parameter asked for under the same name with another shape (another network's) as another tensor", () => {
    const held = new ResidentWeights(new SeededWeights(5), pool);
    const small = held.get("fc.weight", [4, 8], he(8));
    const large = held.get("fc.weight", [6, 8], he(8));
    expect(large.shape).toEqual([6, 8]);
    expect(small.shape).toEqual([4, 8]);
    held.release();
  });
  it("conv and linear read held weights in place and give the bits of the copied ones", async () => {
    const held = new ResidentWeights(new SeededWeights(9), pool);
    const x = initParam(3, "x", [16, 20, 20], { kind: "xavier", fanIn: 1, fanOut: 1 });
    const w = held.get("conv.weight", [8, 16, 3, 3], he(144));
    const p = conv2dParams({ padding: 1 });
    expect(bits(await pool.conv2d(x, w, null, p))).toEqual(bits(conv2d(x, { shape: w.shape, data: w.data.slice() }, null, p)));
    const v = initParam(3, "v", [300], he(1));
    const fw = held.get("fc.weight", [70, 300], he(300)), fb = held.get("fc.bias", [70], he(300));
    const copies = (t: Tensor) => ({ shape: t.shape, data: t.data.slice() });
    expect(bits(await pool.linear(v, fw, fb.data))).toEqual(bits(linear(v, copies(fw), copies(fb).data)));
    held.release();
  });
  it("a held 3x3 layer is transformed for Winograd once for each tile size, at its first conv, read by every thread's units, and freed with it", async () => {
    const internals = pool as unknown as { transformed: Map<number, Map<number, number>> };
    const sizes = () => [...internals.transformed.values()].map((bySize) => [...bySize.keys()]);
    const held = new ResidentWeights(new SeededWeights(4), pool);
    const p = conv2dParams({ padding: 1 });
    // Two threads share 14x14 (49 tiles of 2x2) in units of output channels, 48x48 (12 rows of 4x4 tiles) in
    // units of one tile row, 40x40 (10 rows, too few units) in one block of positions each.
    for (const [C, M, H] of [[32, 64, 14], [16, 24, 48], [16, 24, 40]] as const) {
      const x = initParam(3, "x", [C, H, H], { kind: "xavier", fanIn: 1, fanOut: 1 });
      const w = held.get(`conv${H}.weight`, [M, C, 3, 3], he(9 * C));
      const expected = bits(conv2d(x, { shape: w.shape, data: w.data.slice() }, null, p));
      expect(bits(await pool.conv2d(x, w, null, p))).toEqual(expected);
      const transforms = [...internals.transformed.values()];
      expect(bits(await pool.conv2d(x, w, null, p))).toEqual(expected);
      expect([...internals.transformed.values()]).toEqual(transforms);
    }
    expect(sizes()).toEqual([[2], [4], [4]]);
    // The 48x48 layer's weights on a 14x14 input: 49 tiles of 2x2, a second transform beside the first.
    const w48 = held.get("conv48.weight", [24, 16, 3, 3], he(9 * 16));
    const x14 = initParam(3, "x", [16, 14, 14], { kind: "xavier", fanIn: 1, fanOut: 1 });
    expect(bits(await pool.conv2d(x14, w48, null, p))).toEqual(bits(conv2d(x14, { shape: w48.shape, data: w48.data.slice() }, null, p)));
    expect(sizes()).toEqual([[2], [4, 2], [4]]);
    held.release();
    expect(internals.transformed.size).toBe(0);
  });
  it("frees only what the pool's hold gave out", () => {
    expect(() => pool.free({ shape: [2], data: new Float32Array(2) })).toThrow(/hold returned/);
    const t = pool.hold({ shape: [2], data: new Float32Array([1, 2]) });
    pool.free(t);
    expect(() => pool.free(t)).toThrow(/hold returned/);
  });
});
