import type { Tensor } from "../tensor.js";

/** γ and β of D values each (absent without PyTorch's `elementwise_affine`), and ε. */
export interface LayerNormParams {
  weight: Float32Array | null;
  bias: Float32Array | null;
  eps: number;
}

/**
 * PyTorch's `nn.LayerNorm(D)` over the features: the last dimension of a vector `[D]` or a
 * sequence `[T, D]`, the channels of an image `[C, H, W]` (the last dimension of the
 * `H×W×C` map the language writes). Biased variance, ε inside the square root, as PyTorch.
 */
export function layerNorm(x: Tensor, p: LayerNormParams): Tensor {
  const rank = x.shape.length;
  if (rank === 0) throw new RangeError("layer_norm: needs at least one dimension");
  // Each normalised group is `len` values `stride` apart; `count` groups.
  const len = rank === 3 ? x.shape[0]! : x.shape[rank - 1]!;
  const stride = rank === 3 ? x.shape[1]! * x.shape[2]! : 1;
  if ((p.weight && p.weight.length !== len) || (p.bias && p.bias.length !== len)) throw new RangeError(`layer_norm: parameters for ${p.weight?.length ?? p.bias?.length} features, the input has ${len}`);
  const count = x.data.length / len;
  const src = x.data;
  const out = new Float32Array(src.length);
  for (let g = 0; g < count; g++) {
    const base = stride === 1 ? g * len : g;
    let mean = 0;
    for (let i = 0; i < len; i++) mean += src[base + i * stride]!;
    mean /= len;
    let variance = 0;
    for (let i = 0; i < len; i++) {
      const d = src[base + i * stride]! - mean;
      variance += d * d;
    }
    const inv = 1 / Math.sqrt(variance / len + p.eps);
    for (let i = 0; i < len; i++) {
      const normalised = (src[base + i * stride]! - mean) * inv;
      out[base + i * stride] = normalised * (p.weight ? p.weight[i]! : 1) + (p.bias ? p.bias[i]! : 0);
    }
  }
  return { shape: [...x.shape], data: out };
}
