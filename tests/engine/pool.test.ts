import { afterAll, describe, expect, it } from "vitest";
import { add, batchNorm, batchNormAffine, conv2d, conv2dParams, convTranspose2d, convTranspose2dParams, linear, maxPool2d, pool2dParams, relu } from "../../src/engine/kernels/index.js";
import { Arena } from "../../src/engine/arena.js";
import { initParam } from "../../src/engine/init.js";
import type { PlacedCall } from "../../src/engine/kernels/conv.js";
import { placeConv2d } from "../../src/engine/kernels/conv.js";
import type { WasmKernels } from "../../src/engine/kernels/wasm.js";
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
  it("linear on a 197-step sequence (the GEMM path, split by steps), bias included", async () => {
    const seq = rand("seq", [197, 300]), lw = rand("lw", [700, 300]), lb = rand("lb", [700]).data;
    const one = linear(seq, lw, lb);
    expect(bits(await pool.linear(seq, lw, lb))).toEqual(bits(one));
    expect(bits(await three.linear(seq, lw, lb))).toEqual(bits(one));
    // Each step is the float64 sum Σ_k x[t][k]·w[m][k] + b[m], to float32 accuracy:
    // within 1e-6 of the sum of the terms' magnitudes (300 roundings of 6e-8 at most, summed in blocks).
    let worst = 0;
    for (const t of [0, 3, 4, 100, 196]) {
      for (const m of [0, 7, 128, 699]) {
        let sum = lb[m]!, magnitude = Math.abs(lb[m]!);
        for (let k = 0; k < 300; k++) {
          const term = seq.data[t * 300 + k]! * lw.data[m * 300 + k]!;
          sum += term;
          magnitude += Math.abs(term);
        }
        worst = Math.max(worst, Math.abs(one.data[t * 700 + m]! - sum) / magnitude);
      }
    }
    expect(worst).toBeLessThan(1e-6);
  });
  // 31x27 output: 8x7 tiles of 4x4 (F(4x4, 3x3)), the last tile row three quarters outside and the last column one
  // quarter; 23x21: 12x11 tiles of 2x2 (F(2x2, 3x3): 6x6 tiles of 4x4 are too few), the last tile row half outside.
  for (const [tile, H, W, padding] of [[4, 30, 27, [1, 1, 2, 1]], [2, 22, 20, [1, 1, 2, 2]]] as const) {
    it(`a 3x3 stride-1 conv in Winograd tiles of ${tile}x${tile} (kernels.c) equals the float64 direct sum to 1e-6 of its terms' magnitude, odd sizes and asymmetric padding at the borders, split or not`, async () => {
      const x = rand("x", [20, H, W]), w = rand("w", [9, 20, 3, 3]), b = rand("b", [9]).data;
      const p = conv2dParams({ padding: [padding[0], padding[1], padding[2], padding[3]] });
      const one = conv2d(x, w, b, p);
      const [, Ho, Wo] = one.shape as [number, number, number];
      expect([Ho, Wo]).toEqual([H + padding[0] + padding[2] - 2, W + padding[1] + padding[3] - 2]);
      const internals = pool as unknown as { kernels: WasmKernels };
      expect(internals.kernels.exports.conv2d_tiled(20, 3, 3, 1, 1, 1, 1, 1, Ho, Wo)).toBe(tile);
      expect(bits(await pool.conv2d(x, w, b, p))).toEqual(bits(one));
      expect(bits(await three.conv2d(x, w, b, p))).toEqual(bits(one));
      let worst = 0;
      for (const m of [0, 4, 8]) {
        for (const [oy, ox] of [[0, 0], [0, Wo - 1], [Ho - 1, 0], [Ho - 1, Wo - 1], [15, 13], [Ho - 2, Wo - 2], [1, 1], [5, 6]] as const) {
          let sum = b[m]!, magnitude = Math.abs(b[m]!);
          for (let c = 0; c < 20; c++) {
            for (let ky = 0; ky < 3; ky++) {
              for (let kx = 0; kx < 3; kx++) {
                const iy = oy + ky - padding[0], ix = ox + kx - padding[1];
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                const term = x.data[(c * H + iy) * W + ix]! * w.data[((m * 20 + c) * 3 + ky) * 3 + kx]!;
                sum += term;
                magnitude += Math.abs(term);
              }
            }
          }
          worst = Math.max(worst, Math.abs(one.data[(m * Ho + oy) * Wo + ox]! - sum) / magnitude);
        }
      }
      expect(worst).toBeLessThan(1e-6);
    });
  }
  it("calls issued together run one after another on the shared memory", async () => {
    const x = rand("x", [16, 30, 29]), w = rand("w", [12, 16, 3, 3]), lw = rand("lw", [700, 300]), seq = rand("seq", [20, 300]);
    const p = conv2dParams({ padding: 1 });
    const [a, b, c] = await Promise.all([pool.conv2d(x, w, null, p), pool.linear(seq, lw, null), pool.conv2d(x, w, null, conv2dParams({ padding: 2 }))]);
    expect(bits(a)).toEqual(bits(conv2d(x, w, null, p)));
    expect(bits(b)).toEqual(bits(linear(seq, lw, null)));
    expect(bits(c)).toEqual(bits(conv2d(x, w, null, conv2dParams({ padding: 2 }))));
  });
  it("matches PyTorch on a fixture", async () => {
    const c = caseByName("conv_deep");
    const out = await pool.conv2d(input(c, "x"), input(c, "weight"), input(c, "bias").data, conv2dParams({ padding: 1 }));
    expect(mismatch(out, expected(c))).toBeLessThanOrEqual(1);
  });
  it("cuts a conv of many positions into two blocks a thread, claimed by whichever thread is free, with scratch space per thread, not per block", async () => {
    const x = rand("x", [16, 30, 29]), w = rand("w", [12, 16, 3, 3]), p = conv2dParams({ padding: 1 });
    const internals = pool as unknown as { blocks(M: number, N: number, macs: number, byPosition: boolean): unknown[]; kernels: WasmKernels };
    const blocks = internals.blocks(12, 30 * 29, 1e9, true);
    expect(blocks).toHaveLength(4);
    const call = placeConv2d(internals.kernels, x, w, null, p, blocks as Parameters<typeof placeConv2d>[5], { threads: 2 });
    expect(call.scratch?.perThread).toHaveLength(2);
    expect(bits(await pool.conv2d(x, w, null, p))).toEqual(bits(conv2d(x, w, null, p)));
    expect(bits(await three.conv2d(x, w, null, p))).toEqual(bits(conv2d(x, w, null, p)));
  });
  it("cuts position blocks in sizes 3:3:1:1, on whole rows of tiles when the kernel computes 2x2 or 4x4 tiles: 16 channels at 56x56 on two threads; 64 channels in halves by channel", () => {
    type Tiled = { width: number; tile: number };
    const internals = pool as unknown as { blocks(M: number, N: number, macs: number, byPosition: boolean, tiled?: Tiled): { m0: number; m1: number; n0: number; n1: number }[] };
    const cuts = (tiled?: Tiled) => internals.blocks(16, 56 * 56, 1e9, true, tiled).map((b) => [b.n0, b.n1]);
    // 3136 positions: starts at multiples of two rows (112 positions) in 2x2 tiles, of four (224) in 4x4 tiles, of the micro-kernel's 8 columns when not tiled.
    expect(cuts({ width: 56, tile: 2 })).toEqual([[0, 1232], [1232, 2352], [2352, 2800], [2800, 3136]]);
    expect(cuts({ width: 56, tile: 4 })).toEqual([[0, 1120], [1120, 2464], [2464, 2688], [2688, 3136]]);
    expect(cuts()).toEqual([[0, 1176], [1176, 2352], [2352, 2744], [2744, 3136]]);
    // 32 channels a thread: each reads only its half of the weights.
    expect(internals.blocks(64, 56 * 56, 1e9, true, { width: 56, tile: 4 })).toEqual([{ m0: 0, m1: 32, n0: 0, n1: 3136 }, { m0: 32, m1: 64, n0: 0, n1: 3136 }]);
  });
  it("lets every thread claim a conv's positions a unit at a time, with the single-thread bits: Winograd, direct (1x1, 7x7 stride 2), grouped, with the epilogue", async () => {
    type Geometry = [number, number, number, number, number, number, number, number, number, number];
    const internals = pool as unknown as { kernels: WasmKernels; claimedUnits(geometry: Geometry, M: number, tiled: boolean): { channels?: number } | undefined };
    const bn = (c: number) => ({ gamma: rand("g", [c]).data, beta: rand("b", [c]).data, runningMean: rand("m", [c]).data, runningVar: rand("v", [c]).data.map(Math.abs), eps: 1e-5 });
    const geometry = (x: Tensor, w: Tensor, p: ReturnType<typeof conv2dParams>, out: number[]): Geometry =>
      [x.shape[0]!, w.shape[2]!, w.shape[3]!, p.stride[0], p.stride[1], p.dilation[0], p.dilation[1], p.groups, out[1]!, out[2]!];
    // 50x49 outputs: 13 units of one row of 4x4 tiles (Winograd), 20 units of 128 positions (direct).
    const x = rand("x", [16, 50, 49]), residual = rand("r", [12, 50, 49]);
    const cases: [Tensor, ReturnType<typeof conv2dParams>][] = [
      [rand("w3", [12, 16, 3, 3]), conv2dParams({ padding: 1 })],
      [rand("w1", [12, 16, 1, 1]), conv2dParams()],
      [rand("wg", [12, 4, 3, 3]), conv2dParams({ padding: 1, groups: 4 })],
    ];
    for (const [w, p] of cases) {
      const one = conv2d(x, w, null, p);
      const tiled = internals.kernels.exports.conv2d_tiled(...geometry(x, w, p, one.shape)) !== 0;
      expect(internals.claimedUnits(geometry(x, w, p, one.shape), 12, tiled)).toEqual({});
      expect(bits(await pool.conv2d(x, w, null, p))).toEqual(bits(one));
      const affine = batchNormAffine(bn(12));
      expect(bits(await pool.conv2d(x, w, null, p, { affine, residual, rectify: true }))).toEqual(bits(relu(add([batchNorm(one, bn(12)), residual]))));
    }
    const big = rand("xs", [3, 90, 90]), stem = rand("ws", [8, 3, 7, 7]), ps = conv2dParams({ stride: 2, padding: 3 });
    expect(bits(await pool.conv2d(big, stem, null, ps))).toEqual(bits(conv2d(big, stem, null, ps)));
  });
  it("lets every thread claim a conv's channels a unit at a time where positions are few (direct at 14x14, Winograd at 28x28), each thread packing the input once: the single-thread bits", async () => {
    type Geometry = [number, number, number, number, number, number, number, number, number, number];
    const internals = pool as unknown as { claimedUnits(geometry: Geometry, M: number, tiled: boolean): { channels?: number } | undefined };
    // 196 positions are two units of 128; 100 channels on two threads: units of at most 32, claimed in
    // shrinking sizes (28, 20, 16, 12, 8, 8, 8: kernels.c, next_unit).
    expect(internals.claimedUnits([16, 3, 3, 1, 1, 1, 1, 1, 14, 14], 100, false)).toEqual({ channels: 32 });
    // 1024 channels: about four units a thread, 128 each.
    expect(internals.claimedUnits([256, 1, 1, 1, 1, 1, 1, 1, 14, 14], 1024, false)).toEqual({ channels: 128 });
    // Winograd at 28x28: 7 units of one row of 4x4 tiles are too few for two threads.
    expect(internals.claimedUnits([16, 3, 3, 1, 1, 1, 1, 1, 28, 28], 100, true)).toEqual({ channels: 32 });
    // Too few channels (fewer than 32 a thread), or grouped: cut into blocks instead.
    expect(internals.claimedUnits([16, 3, 3, 1, 1, 1, 1, 1, 14, 14], 48, false)).toBeUndefined();
    expect(internals.claimedUnits([16, 3, 3, 1, 1, 1, 1, 4, 14, 14], 100, false)).toBeUndefined();
    const g = { gamma: rand("g", [100]).data, beta: rand("b", [100]).data, runningMean: rand("m", [100]).data, runningVar: rand("v", [100]).data.map(Math.abs), eps: 1e-5 };
    const affine = batchNormAffine(g);
    const cases: [Tensor, Tensor, ReturnType<typeof conv2dParams>][] = [
      [rand("x14", [16, 14, 14]), rand("w14", [100, 16, 3, 3]), conv2dParams({ padding: 1 })],
      [rand("x14", [16, 14, 14]), rand("w11", [100, 16, 1, 1]), conv2dParams()],
      [rand("x28", [16, 28, 28]), rand("ws2", [100, 16, 3, 3]), conv2dParams({ stride: 2, padding: 1 })],
      // 640 input channels: K = 5760, several blocks of K, so each unit sums its packed blocks in order.
      [rand("xk", [640, 7, 7]), rand("wk", [100, 640, 3, 3]), conv2dParams({ padding: 1 })],
      // Winograd: 196 tiles at 28x28; 100 tiles at 20x20 of 800 channels, two blocks of C.
      [rand("x28", [16, 28, 28]), rand("ww", [100, 16, 3, 3]), conv2dParams({ padding: 1 })],
      [rand("x20", [800, 20, 20]), rand("ww8", [100, 800, 3, 3]), conv2dParams({ padding: 1 })],
    ];
    for (const [x, w, p] of cases) {
      const one = conv2d(x, w, rand("bias", [100]).data, p);
      const residual = rand("r", one.shape);
      expect(bits(await pool.conv2d(x, w, rand("bias", [100]).data, p))).toEqual(bits(one));
      expect(bits(await three.conv2d(x, w, rand("bias", [100]).data, p))).toEqual(bits(one));
      expect(bits(await pool.conv2d(x, w, rand("bias", [100]).data, p, { affine, residual, rectify: true }))).toEqual(bits(relu(add([batchNorm(one, g), residual]))));
    }
  });
  it("rejects bad shapes before dispatching", async () => {
    await expect(pool.conv2d(rand("x", [3, 8, 8]), rand("w", [4, 2, 3, 3]), null, conv2dParams())).rejects.toThrow(/input channels/);
  });
  it("answers a trapped kernel with its message, whichever thread claimed its block (a worker's comes through the mailbox), and goes on working", async () => {
    const x = rand("x", [4, 16, 16]), w = rand("w", [8, 4, 3, 3]), p = conv2dParams({ padding: 1 });
    const internals = pool as unknown as { run(call: PlacedCall): Promise<void>; kernels: WasmKernels };
    const call = placeConv2d(internals.kernels, x, w, null, p, [{ m0: 0, m1: 8, n0: 0, n1: 128 }, { m0: 0, m1: 8, n0: 128, n1: 256 }]);
    // The worker's block writes its output 2 GiB past the end of the memory.
    const outOfBounds = { ...call, blocks: [call.blocks[0]!, call.blocks[1]!.map((v, i) => (i === 6 ? 0x7ff00000 : v))] };
    await expect(internals.run(outOfBounds)).rejects.toThrow(/out of bounds/);
    expect(bits(await pool.conv2d(x, w, null, p))).toEqual(bits(conv2d(x, w, null, p)));
  });
});

describe("ComputePool when a worker thread stops", () => {
  it("answers every call that needs it with why, at once, instead of waiting for it", async () => {
    const broken = new ComputePool(2, 0);
    try {
      const x = rand("x", [8, 20, 20]), w = rand("w", [8, 8, 3, 3]), p = conv2dParams({ padding: 1 });
      expect(bits(await broken.conv2d(x, w, null, p))).toEqual(bits(conv2d(x, w, null, p)));
      const worker = (broken as unknown as { workers: { terminate(): Promise<number> }[] }).workers[0]!;
      await worker.terminate();
      // The exit event comes after terminate settles.
      await new Promise((resolve) => setTimeout(resolve, 10));
      await expect(broken.conv2d(x, w, null, p)).rejects.toThrow(/engine worker thread stopped \(exit code 1\); start a new pool/);
      await expect(broken.relu(x)).rejects.toThrow(/worker thread stopped/);
    } finally {
      await broken.close();
    }
  });
});

describe("ComputePool's pooling and elementwise layers give the single-thread kernels' bits", () => {
  const nanAt = (t: Tensor, i: number): Tensor => {
    const data = t.data.slice();
    data[i] = NaN;
    return { shape: t.shape, data };
  };
  it("maxpool 3x3/2 pad=1 (ResNet's stem; padding never wins, a NaN propagates), split by channels", async () => {
    const x = nanAt(rand("x", [6, 17, 15]), 40);
    const p = pool2dParams({ kernel: 3, stride: 2, padding: 1 });
    const one = maxPool2d(x, p);
    expect(bits(await pool.maxPool2d(x, p))).toEqual(bits(one));
    expect(bits(await three.maxPool2d(x, p))).toEqual(bits(one));
    const dilated = pool2dParams({ kernel: 2, stride: 1, dilation: 2, ceilMode: true });
    expect(bits(await three.maxPool2d(x, dilated))).toEqual(bits(maxPool2d(x, dilated)));
  });
  it("relu (NaN kept), add of two and of three tensors in their order, and bn's per-channel affine", async () => {
    const x = nanAt(rand("x", [5, 7, 9]), 3), y = rand("y", [5, 7, 9]), z = rand("z", [5, 7, 9]);
    expect(bits(await three.relu(x))).toEqual(bits(relu(x)));
    expect(bits(await three.add([x, y]))).toEqual(bits(add([x, y])));
    expect(bits(await three.add([x, y, z]))).toEqual(bits(add([x, y, z])));
    const bn = { gamma: rand("g", [5]).data, beta: rand("b", [5]).data, runningMean: rand("m", [5]).data, runningVar: rand("v", [5]).data.map(Math.abs), eps: 1e-5 };
    expect(bits(await three.affineChannels(x, batchNormAffine(bn)))).toEqual(bits(batchNorm(x, bn)));
  });
  it("a conv's epilogue (bn's affine, a residual, ReLU) applied by each thread to its block is the three layers' bits", async () => {
    const x = rand("x", [16, 30, 29]), w = rand("w", [12, 16, 3, 3]), r = rand("r", [12, 30, 29]);
    const bn = { gamma: rand("g", [12]).data, beta: rand("b", [12]).data, runningMean: rand("m", [12]).data, runningVar: rand("v", [12]).data.map(Math.abs), eps: 1e-5 };
    const affine = batchNormAffine(bn);
    for (const p of [conv2dParams({ padding: 1 }), conv2dParams({ stride: 2, padding: 1 })]) {
      const conv = conv2d(x, w, null, p);
      const residual = { shape: conv.shape, data: r.data.subarray(0, conv.data.length) };
      const layers = relu(add([batchNorm(conv, bn), residual]));
      expect(bits(await three.conv2d(x, w, null, p, { affine, residual, rectify: true }))).toEqual(bits(layers));
      expect(bits(await pool.conv2d(x, w, null, p, { affine, rectify: false }))).toEqual(bits(batchNorm(conv, bn)));
    }
  });
});

describe("ComputePool residency (a run's activations in its memory)", () => {
  it("hands out views of its memory that the next call reads in place, frees what no live tensor lies in, and copies out on detach", async () => {
    const resident = new ComputePool(2, 0);
    try {
      const x = rand("x", [8, 20, 20]), w = rand("w", [8, 8, 3, 3]), p = conv2dParams({ padding: 1 });
      let ended!: () => void;
      const run = resident.resident(() => new Promise<void>((resolve) => (ended = resolve)));
      // The task has started (resident runs begin once the previous one settles).
      await new Promise((resolve) => setTimeout(resolve, 0));
      const a = await resident.conv2d(x, w, null, p);
      expect(a.data.buffer).toBeInstanceOf(SharedArrayBuffer);
      const b = await resident.conv2d(a, w, null, p);
      expect(bits(b)).toEqual(bits(conv2d(conv2d(x, w, null, p), w, null, p)));
      const copy = resident.detach(b);
      expect(copy.data.buffer).not.toBeInstanceOf(SharedArrayBuffer);
      expect(bits(copy)).toEqual(bits(b));
      // a is freed; the next output may take its place while b, still live, keeps its bits.
      resident.retain([b]);
      const c = await resident.relu(b);
      expect(bits(b)).toEqual(bits(copy));
      expect(bits(c)).toEqual(bits(relu(copy)));
      ended();
      await run;
      const plain = await resident.conv2d(x, w, null, p);
      expect(plain.data.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    } finally {
      await resident.close();
    }
  });
});

describe("Arena", () => {
  it("reuses freed room first fit, merges neighbours, and grows only past the top", () => {
    const grown: number[] = [];
    const arena = new Arena(100, (end) => grown.push(end));
    const a = arena.allocate(10), b = arena.allocate(40), c = arena.allocate(16);
    expect([a, b, c]).toEqual([112, 128, 176]);
    arena.release(a);
    arena.release(b);
    // a and b merged: 64 bytes at 112, so 50 bytes fit there without growing.
    expect(arena.allocate(50)).toBe(112);
    expect(grown.at(-1)).toBe(192);
    arena.release(c);
    expect(arena.extent).toBe(176);
    expect(arena.blockOf(120, 8)).toBe(112);
    expect(arena.blockOf(170, 16)).toBeUndefined();
    expect(() => arena.release(999)).toThrow(/no block/);
  });
});
