import { expectRank, type Tensor } from "../tensor.js";
import { kernels, type WasmKernels } from "./wasm.js";

/** Weight floats copied into WebAssembly memory per call: bounds its size (VGG's fc6 alone is 411 MB). */
const CHUNK_FLOATS = 4 << 20;

/**
 * Rows [mBegin, mEnd) of `weight · x + bias` for one input vector `x` of length K,
 * written into `out` at the same indices. The worker pool calls this with disjoint
 * ranges. Only those rows are copied into WebAssembly memory, a chunk at a time.
 */
export function linearRange(
  x: Float32Array,
  weight: Tensor,
  bias: Float32Array | null,
  out: Float32Array,
  mBegin: number,
  mEnd: number,
  k: WasmKernels = kernels(),
): void {
  const K = weight.shape[1]!;
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK_FLOATS / K));
  for (let m0 = mBegin; m0 < mEnd; m0 += rowsPerChunk) {
    const rows = Math.min(rowsPerChunk, mEnd - m0);
    const [xP, wP, bP, yP] = k.layout([K, rows * K, bias ? rows : 0, rows]) as [number, number, number, number];
    k.put(xP, x);
    k.put(wP, weight.data.subarray(m0 * K, (m0 + rows) * K));
    if (bias) k.put(bP, bias.subarray(m0, m0 + rows));
    k.exports.linear(xP, K, wP, bias ? bP : 0, yP, 0, rows);
    out.set(k.view(yP, rows), m0);
  }
}

/** Checks shapes and returns [rows, K, M]: rows of K inputs each to map to M outputs. */
export function linearShape(input: readonly number[], weight: readonly number[], bias: Float32Array | null): [number, number, number] {
  if (weight.length !== 2) throw new RangeError(`linear: weight must be [out, in], got [${weight.join(", ")}]`);
  const [M, K] = weight as [number, number];
  const rows = input.length === 2 ? input[0]! : 1;
  const perRow = input.length === 2 ? input[1]! : input.reduce((a, b) => a * b, 1);
  if (perRow !== K) throw new RangeError(`linear: weight [${M}, ${K}] expects ${K} inputs, got shape [${input.join(", ")}]`);
  if (bias && bias.length !== M) throw new RangeError(`linear: bias has ${bias.length} values for ${M} outputs`);
  return [rows, K, M];
}

/**
 * PyTorch's `nn.Linear` on one sample. A vector `[K]` gives `[M]`; a sequence
 * `[T, K]` maps every step (`[T, M]`); an image `[C, H, W]` is flattened first in C
 * order (`torch.flatten`, channel-major), the way a PyTorch model flattens before fc.
 */
export function linear(x: Tensor, weight: Tensor, bias: Float32Array | null): Tensor {
  expectRank(weight, 2, "linear weight");
  const [rows, K, M] = linearShape(x.shape, weight.shape, bias);
  const out = new Float32Array(rows * M);
  const row = new Float32Array(M);
  for (let t = 0; t < rows; t++) {
    linearRange(x.data.subarray(t * K, (t + 1) * K), weight, bias, row, 0, M);
    out.set(row, t * M);
  }
  return { shape: x.shape.length === 2 ? [rows, M] : [M], data: out };
}
