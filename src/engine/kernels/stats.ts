// Statistics of a tensor that figures draw from (thumbnails' colour ranges and channel
// choice), in WebAssembly: a render calls them a few dozen times on large activations,
// too few for V8 to optimise a JavaScript loop before the work is done.
import { kernels } from "./wasm.js";

/** Floats copied into WebAssembly memory per call: bounds its size. */
const CHUNK_FLOATS = 1 << 18;

/** The smallest and largest finite values of `data` (min > max when it has none). */
export function finiteRange(data: Float32Array): { min: number; max: number } {
  const k = kernels();
  let min = Infinity, max = -Infinity;
  for (let start = 0; start < data.length; start += CHUNK_FLOATS) {
    const part = data.subarray(start, Math.min(data.length, start + CHUNK_FLOATS));
    const [x, out] = k.layout([part.length, 2]) as [number, number];
    k.put(x, part);
    k.exports.finite_range(x, part.length, out);
    const [lo, hi] = k.view(out, 2) as unknown as [number, number];
    if (lo < min) min = lo;
    if (hi > max) max = hi;
  }
  return { min, max };
}

/**
 * Each of the `channels` rows of `data` (`channels × n` values): its sum and sum of
 * squares in double, added in index order, as `[sum0, squares0, sum1, …]`.
 */
export function channelMoments(data: Float32Array, channels: number, n: number): Float64Array {
  const k = kernels();
  const out = new Float64Array(2 * channels);
  const perCall = Math.max(1, Math.floor(CHUNK_FLOATS / Math.max(1, n)));
  for (let c0 = 0; c0 < channels; c0 += perCall) {
    const count = Math.min(perCall, channels - c0);
    const [x, moments] = k.layout([count * n, 4 * count]) as [number, number];
    k.put(x, data.subarray(c0 * n, (c0 + count) * n));
    k.exports.channel_moments(x, count, n, moments);
    out.set(new Float64Array(k.memory.buffer, moments, 2 * count), 2 * c0);
  }
  return out;
}
