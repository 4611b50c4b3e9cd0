import { expectRank, type Tensor } from "../tensor.js";
import { affinePerChannel } from "./wasm-elementwise.js";

/** BatchNorm statistics and affine parameters, one value per channel. */
export interface BatchNormParams {
  gamma: Float32Array;
  beta: Float32Array;
  runningMean: Float32Array;
  runningVar: Float32Array;
  /** PyTorch's default is 1e-5. */
  eps: number;
}

/**
 * BatchNorm in inference mode (`model.eval()`): y = (x − mean)/√(var + eps)·γ + β per
 * channel, channels being the first dimension as in an unbatched PyTorch tensor:
 * `[C, H, W]` (BatchNorm2d), `[C]` (BatchNorm1d after fc), `[C, L]`.
 */
export function batchNorm(x: Tensor, p: BatchNormParams): Tensor {
  if (x.shape.length === 0) throw new RangeError("batchnorm: input has no channel dimension");
  const C = x.shape[0]!;
  for (const [name, v] of [["gamma", p.gamma], ["beta", p.beta], ["running mean", p.runningMean], ["running var", p.runningVar]] as const) {
    if (v.length !== C) throw new RangeError(`batchnorm: ${name} has ${v.length} values for ${C} channels`);
  }
  const { scale, shift } = batchNormAffine(p);
  return { shape: [...x.shape], data: affinePerChannel(x.data, C, scale, shift) };
}

/** y = scale[c]·x + shift[c] for each channel c (the first dimension), in double precision. */
export interface ChannelAffine {
  scale: Float64Array;
  shift: Float64Array;
}

/** Inference-mode BatchNorm as the per-channel affine it is: scale = γ/√(var + eps), shift = β − mean·scale. */
export function batchNormAffine(p: BatchNormParams): ChannelAffine {
  const C = p.gamma.length;
  const scale = new Float64Array(C);
  const shift = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    scale[c] = p.gamma[c]! / Math.sqrt(p.runningVar[c]! + p.eps);
    shift[c] = p.beta[c]! - p.runningMean[c]! * scale[c]!;
  }
  return { scale, shift };
}

/** PyTorch's `LocalResponseNorm` settings; AlexNet uses size 5, alpha 1e-4, beta 0.75, k 2. */
export interface LrnParams {
  size: number;
  alpha: number;
  beta: number;
  k: number;
}

/**
 * PyTorch's `LocalResponseNorm` across channels of `[C, H, W]`:
 * b_c = a_c / (k + α/n · Σ a_{c'}²)^β over c' in [c − ⌊n/2⌋, c + ⌊(n−1)/2⌋] ∩ [0, C),
 * dividing by n whatever the clipping, as PyTorch does (Caffe's formula too).
 */
export function localResponseNorm(x: Tensor, p: LrnParams): Tensor {
  expectRank(x, 3, "lrn input");
  if (!Number.isInteger(p.size) || p.size < 1) throw new RangeError(`lrn: size must be a positive integer, got ${p.size}`);
  const [C, H, W] = x.shape as [number, number, number];
  const n = H * W;
  const sq = x.data.map((v) => v * v);
  const out = new Float32Array(x.data.length);
  const before = Math.floor(p.size / 2), after = Math.floor((p.size - 1) / 2);
  for (let c = 0; c < C; c++) {
    const lo = Math.max(0, c - before), hi = Math.min(C - 1, c + after);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let cc = lo; cc <= hi; cc++) s += sq[cc * n + i]!;
      out[c * n + i] = x.data[c * n + i]! / Math.pow(p.k + (p.alpha * s) / p.size, p.beta);
    }
  }
  return { shape: [C, H, W], data: out };
}
