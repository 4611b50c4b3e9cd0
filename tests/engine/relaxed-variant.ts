// Run by relaxed.test.ts in a child process started with --experimental-wasm-relaxed-simd:
// the kernels must pick the relaxed build there, the builds must agree, and the
// single-memory build must give the plain build's bits.
import { conv2dParams, convTranspose2dParams, placeConv2d, placeConvTranspose2d, runPlaced } from "../../src/engine/kernels/conv.js";
import { linearChunks } from "../../src/engine/kernels/linear.js";
import { WasmKernels, wasmVariant } from "../../src/engine/kernels/wasm.js";
import { wasmRelaxedBase64, wasmSimdBase64, wasmSingleBase64 } from "../../src/engine/kernels/wasm-module.js";
import { initParam } from "../../src/engine/init.js";
import type { Tensor } from "../../src/engine/tensor.js";

const WA = (globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => object } }).WebAssembly;
const rand = (name: string, shape: number[]): Tensor => initParam(5, name, shape, { kind: "xavier", fanIn: 1, fanOut: 1 });

function outputs(k: WasmKernels): Float32Array[] {
  const x = rand("x", [32, 20, 21]), w = rand("w", [24, 32, 3, 3]), b = rand("b", [24]).data;
  const conv = runPlaced(k, placeConv2d(k, x, w, b, conv2dParams({ padding: 1 }), [{ m0: 0, m1: 24, n0: 0, n1: 420 }]));
  const tw = rand("tw", [32, 8, 4, 4]);
  const deconv = runPlaced(k, placeConvTranspose2d(k, x, tw, null, convTranspose2dParams({ stride: 2, padding: 1 }), [{ m0: 0, m1: 8, n0: 0, n1: 1600 }]));
  const results = [conv, deconv];
  for (const rows of [1, 50]) {
    const seq = rand("seq", [rows, 300]), lw = rand("lw", [130, 300]);
    const out = new Float32Array(rows * 130);
    for (const chunk of linearChunks(k, seq.data, rows, lw, null, 1)) {
      for (const args of chunk.call.blocks) k.call(chunk.call.fn, args);
      chunk.store(k, out);
    }
    results.push(out);
  }
  return results;
}

const plain = outputs(new WasmKernels(new WA.Module(Buffer.from(wasmSimdBase64, "base64"))));
const fused = outputs(new WasmKernels(new WA.Module(Buffer.from(wasmRelaxedBase64, "base64"))));
// The single-memory build (runtimes without shared memory) is the plain build's arithmetic on a memory of its own.
const single = outputs(new WasmKernels(new WA.Module(Buffer.from(wasmSingleBase64, "base64"))));
const singleSame = single.every((s, i) => Buffer.from(s.buffer).equals(Buffer.from(plain[i]!.buffer)));
let worst = 0, differing = 0;
plain.forEach((p, i) => {
  const scale = Math.max(...p.map(Math.abs));
  p.forEach((v, j) => {
    worst = Math.max(worst, Math.abs(v - fused[i]![j]!) / scale);
    if (v !== fused[i]![j]) differing++;
  });
});
process.stdout.write(JSON.stringify({ variant: wasmVariant(), worst, differing, singleSame }));
