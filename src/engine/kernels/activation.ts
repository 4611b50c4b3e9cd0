import type { Tensor } from "../tensor.js";
import { reluValues } from "./wasm-elementwise.js";

function map(x: Tensor, f: (v: number) => number): Tensor {
  const out = new Float32Array(x.data.length);
  const src = x.data;
  for (let i = 0; i < src.length; i++) out[i] = f(src[i]!);
  return { shape: [...x.shape], data: out };
}

/** Max(x, 0), NaN kept (PyTorch). In WebAssembly SIMD: ReLU is a hot path. */
export function relu(x: Tensor): Tensor {
  return { shape: [...x.shape], data: reluValues(x.data) };
}
export const relu6 = (x: Tensor): Tensor => map(x, (v) => (v > 6 ? 6 : v > 0 ? v : v === v ? 0 : v));
/** PyTorch's default slope is 0.01. */
export const leakyRelu = (x: Tensor, slope = 0.01): Tensor => map(x, (v) => (v > 0 ? v : v * slope));
/** PyTorch's default alpha is 1. */
export const elu = (x: Tensor, alpha = 1): Tensor => map(x, (v) => (v > 0 ? v : alpha * Math.expm1(v)));
export const tanh = (x: Tensor): Tensor => map(x, Math.tanh);
export const sigmoid = (x: Tensor): Tensor => map(x, (v) => 1 / (1 + Math.exp(-v)));
/** SiLU / swish: x·σ(x). */
export const silu = (x: Tensor): Tensor => map(x, (v) => v / (1 + Math.exp(-v)));
/** min(max(x, min), max): `torch.clamp`, `nn.Hardtanh` (−1, 1), ONNX Clip. NaN kept. */
export const clip = (x: Tensor, min: number, max: number): Tensor => map(x, (v) => (v < min ? min : v > max ? max : v));
/** max(0, min(1, α·x + β)); PyTorch's `nn.Hardsigmoid` is α = 1/6, β = 1/2 (ONNX's default α is 0.2). */
export const hardSigmoid = (x: Tensor, alpha = 1 / 6, beta = 0.5): Tensor => map(x, (v) => Math.max(0, Math.min(1, alpha * v + beta)));
/** x·relu6(x + 3)/6: PyTorch's `nn.Hardswish`, ONNX HardSwish. */
export const hardSwish = (x: Tensor): Tensor => map(x, (v) => (v * Math.max(0, Math.min(6, v + 3))) / 6);

/**
 * Softmax over channels for an image `[C, H, W]` (PyTorch `dim=1` of the batched
 * tensor: one distribution per pixel) and over the last dimension otherwise (`[N]`,
 * `[T, N]`). Max-subtracted, like PyTorch.
 */
export function softmax(x: Tensor): Tensor {
  const rank = x.shape.length;
  if (rank === 0) throw new RangeError("softmax: needs at least one dimension");
  // Distributions are `len` values `stride` apart, `count` of them.
  const len = rank === 3 ? x.shape[0]! : x.shape[rank - 1]!;
  const stride = rank === 3 ? x.shape[1]! * x.shape[2]! : 1;
  const count = x.data.length / len;
  const out = new Float32Array(x.data.length);
  const src = x.data;
  for (let d = 0; d < count; d++) {
    const base = stride === 1 ? d * len : d;
    let m = -Infinity;
    for (let i = 0; i < len; i++) m = Math.max(m, src[base + i * stride]!);
    let s = 0;
    for (let i = 0; i < len; i++) {
      const e = Math.exp(src[base + i * stride]! - m);
      out[base + i * stride] = e;
      s += e;
    }
    for (let i = 0; i < len; i++) out[base + i * stride]! /= s;
  }
  return { shape: [...x.shape], data: out };
}
