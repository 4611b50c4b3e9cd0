// The hot elementwise layers of a CNN (ReLU, residual additions, batch norm) in
// WebAssembly SIMD, bit for bit what their JavaScript loops computed: a network calls
// each a few dozen times on large maps, which V8 would run mostly unoptimised.
import { kernels } from "./wasm.js";

/** Floats per call: bounds the WebAssembly memory the copies need. */
const CHUNK_FLOATS = 1 << 18;

/** A fresh array of `max(x, 0)`, NaN kept. */
export function reluValues(x: Float32Array): Float32Array {
  const k = kernels();
  const out = new Float32Array(x.length);
  for (let start = 0; start < x.length; start += CHUNK_FLOATS) {
    const n = Math.min(CHUNK_FLOATS, x.length - start);
    const [src, dst] = k.layout([n, n]) as [number, number];
    k.put(src, x.subarray(start, start + n));
    k.exports.relu_f32(src, dst, n);
    out.set(k.view(dst, n), start);
  }
  return out;
}

/** `acc[i] += x[i]` for every i (equal lengths). */
export function addInto(acc: Float32Array, x: Float32Array): void {
  const k = kernels();
  for (let start = 0; start < acc.length; start += CHUNK_FLOATS) {
    const n = Math.min(CHUNK_FLOATS, acc.length - start);
    const [a, b] = k.layout([n, n]) as [number, number];
    k.put(a, acc.subarray(start, start + n));
    k.put(b, x.subarray(start, start + n));
    k.exports.add_f32(a, b, n);
    acc.set(k.view(a, n), start);
  }
}

/** A fresh array of `x[c][i] · scale[c] + shift[c]` over `channels` rows, in double, rounded once. */
export function affinePerChannel(x: Float32Array, channels: number, scale: Float64Array, shift: Float64Array): Float32Array {
  const k = kernels();
  const n = x.length / channels;
  const out = new Float32Array(x.length);
  // Whole channels per call; a channel longer than a chunk goes in pieces (the same scale and shift).
  const piece = Math.min(n, CHUNK_FLOATS);
  const perCall = Math.max(1, Math.floor(CHUNK_FLOATS / piece));
  for (let c0 = 0; c0 < channels; c0 += perCall) {
    const count = Math.min(perCall, channels - c0);
    for (let from = 0; from < n; from += piece) {
      const len = Math.min(piece, n - from);
      const [src, dst, s, b] = k.layout([count * len, count * len, 2 * count, 2 * count]) as [number, number, number, number];
      for (let c = 0; c < count; c++) k.put(src + c * len * 4, x.subarray((c0 + c) * n + from, (c0 + c) * n + from + len));
      new Float64Array(k.memory.buffer, s, count).set(scale.subarray(c0, c0 + count));
      new Float64Array(k.memory.buffer, b, count).set(shift.subarray(c0, c0 + count));
      k.exports.affine_channels_f32(src, dst, count, len, s, b);
      for (let c = 0; c < count; c++) out.set(k.view(dst + c * len * 4, len), (c0 + c) * n + from);
    }
  }
  return out;
}
