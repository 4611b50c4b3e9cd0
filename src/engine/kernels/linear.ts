import { expectRank, type Tensor } from "../tensor.js";
import { cut, MR } from "../split.js";
import type { PlacedCall } from "./conv.js";
import { kernels, type WasmKernels } from "./wasm.js";

/** Weight floats copied into WebAssembly memory per call: bounds its size (VGG's fc6 alone is 411 MB). */
const CHUNK_FLOATS = 4 << 20;

/**
 * From this many rows on, a sequence goes through the GEMM micro-kernel (each weight
 * packed once for all rows); fewer rows take the vector kernel one row at a time. The
 * choice depends on the shape alone, so every run of a network sums in one order.
 */
const GEMM_MIN_ROWS = MR;

/** One call of a linear layer laid out in a kernels memory, and how to copy its output into the `[rows, M]` result. */
export interface LinearChunk {
  call: PlacedCall;
  store(k: WasmKernels, out: Float32Array): void;
}

/**
 * The kernel calls of `rows` rows of K inputs (x, row-major) through weight `[M, K]`,
 * a chunk of weight rows at a time, each call cut into at most `parts` blocks for
 * threads sharing `k`'s memory. Lazy: each chunk is laid out when the previous one
 * has been run and stored.
 */
export function* linearChunks(k: WasmKernels, x: Float32Array, rows: number, weight: Tensor, bias: Float32Array | null, parts: number): Generator<LinearChunk> {
  const [M, K] = weight.shape as [number, number];
  // Weights already in the memory (held by a pool across runs) are read in place, in one chunk.
  const heldWeight = k.holds(weight.data);
  const heldBias = bias ? k.holds(bias) : undefined;
  const rowsPerChunk = heldWeight !== undefined ? M : Math.max(1, Math.floor(CHUNK_FLOATS / K));
  /** Where chunk m0's weights (and bias) are: in place, or copied into the chunk's layout at `laidOut`. */
  const weightsAt = (laidOut: number, w: Float32Array, m0: number) => (heldWeight !== undefined ? heldWeight + 4 * m0 * K : (k.put(laidOut, w), laidOut));
  const biasAt = (laidOut: number, b: Float32Array, m0: number) => (heldBias !== undefined ? heldBias + 4 * m0 : (k.put(laidOut, b), laidOut));
  for (let m0 = 0; m0 < M; m0 += rowsPerChunk) {
    const mc = Math.min(rowsPerChunk, M - m0);
    const w = weight.data.subarray(m0 * K, (m0 + mc) * K);
    const b = bias && bias.subarray(m0, m0 + mc);
    const wFloats = heldWeight !== undefined ? 0 : mc * K;
    const bFloats = b && heldBias === undefined ? mc : 0;
    if (rows < GEMM_MIN_ROWS) {
      for (let t = 0; t < rows; t++) {
        const [xP, wLaid, bLaid, yP] = k.layout([K, wFloats, bFloats, mc]) as [number, number, number, number];
        k.put(xP, x.subarray(t * K, (t + 1) * K));
        const wP = weightsAt(wLaid, w, m0);
        const bP = b ? biasAt(bLaid, b, m0) : 0;
        const blocks = cut(mc, parts, MR).map(([from, to]) => [xP, K, wP, bP, yP, from, to]);
        yield { call: { fn: "linear", blocks, out: yP, kept: false, outLength: mc }, store: (kk, out) => out.set(kk.view(yP, mc), t * M + m0) };
      }
    } else {
      const split = cut(rows, parts, MR);
      const scratch = split.map(() => k.exports.linear_rows_scratch(K));
      const [xP, wLaid, bLaid, yP, ...scratchP] = k.layout([rows * K, wFloats, bFloats, rows * mc, ...scratch]) as number[];
      k.put(xP!, x.subarray(0, rows * K));
      const wP = weightsAt(wLaid!, w, m0);
      const bP = b ? biasAt(bLaid!, b, m0) : 0;
      const blocks = split.map(([from, to], i) => [xP!, K, wP, bP, yP!, mc, from, to, scratchP[i]!]);
      yield {
        call: { fn: "linear_rows", blocks, out: yP!, kept: false, outLength: rows * mc },
        store: (kk, out) => {
          if (mc === M) out.set(kk.view(yP!, rows * M));
          else for (let t = 0; t < rows; t++) out.set(kk.view(yP! + t * mc * 4, mc), t * M + m0);
        },
      };
    }
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
  const [rows, , M] = linearShape(x.shape, weight.shape, bias);
  const out = new Float32Array(rows * M);
  const k = kernels();
  for (const chunk of linearChunks(k, x.data, rows, weight, bias, 1)) {
    for (const args of chunk.call.blocks) k.call(chunk.call.fn, args);
    chunk.store(k, out);
  }
  return { shape: x.shape.length === 2 ? [rows, M] : [M], data: out };
}
