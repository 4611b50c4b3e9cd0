import type { BatchNormParams } from "./kernels/norm.js";
import type { Tensor } from "./tensor.js";
import type { WeightSource } from "./weights.js";

/**
 * The parameters of each parametrised layer kind, fetched from a `WeightSource` under
 * PyTorch's state-dict names and shapes (so a `.safetensors` saved from the
 * equivalent PyTorch model loads as is), with the initialisation the layer gets when
 * the source is seeded. `layer` is the layer id, which becomes the name prefix.
 */

export interface ConvWeights {
  weight: Tensor;
  bias: Float32Array | null;
}

/** Conv2d: `<layer>.weight` `[M, C/groups, kh, kw]` (He, fan-in C/groups·kh·kw) and `<layer>.bias` `[M]` (zeros). */
export function convWeights(src: WeightSource, layer: string, inChannels: number, outChannels: number, kernel: [number, number], groups: number, bias: boolean): ConvWeights {
  const cg = inChannels / groups;
  const weight = src.get(`${layer}.weight`, [outChannels, cg, kernel[0], kernel[1]], { kind: "he", fanIn: cg * kernel[0] * kernel[1] });
  return { weight, bias: bias ? src.get(`${layer}.bias`, [outChannels], { kind: "constant", value: 0 }).data : null };
}

/**
 * ConvTranspose2d: `<layer>.weight` `[C, M/groups, kh, kw]` (PyTorch's layout for
 * transposed convs) and `<layer>.bias` `[M]`. He, with the fan-in PyTorch computes
 * for this layout: dimension 1 times the kernel, M/groups·kh·kw.
 */
export function convTransposeWeights(src: WeightSource, layer: string, inChannels: number, outChannels: number, kernel: [number, number], groups: number, bias: boolean): ConvWeights {
  const mg = outChannels / groups;
  const weight = src.get(`${layer}.weight`, [inChannels, mg, kernel[0], kernel[1]], { kind: "he", fanIn: mg * kernel[0] * kernel[1] });
  return { weight, bias: bias ? src.get(`${layer}.bias`, [outChannels], { kind: "constant", value: 0 }).data : null };
}

/**
 * Linear: `<layer>.weight` `[out, in]` and `<layer>.bias` `[out]`. He when a ReLU
 * follows (`init: "he"`), Xavier otherwise (a classifier's last layer, tanh, sigmoid).
 */
export function linearWeights(src: WeightSource, layer: string, inFeatures: number, outFeatures: number, bias: boolean, init: "he" | "xavier"): ConvWeights {
  const spec = init === "he" ? { kind: "he" as const, fanIn: inFeatures } : { kind: "xavier" as const, fanIn: inFeatures, fanOut: outFeatures };
  const weight = src.get(`${layer}.weight`, [outFeatures, inFeatures], spec);
  return { weight, bias: bias ? src.get(`${layer}.bias`, [outFeatures], { kind: "constant", value: 0 }).data : null };
}

/**
 * BatchNorm: `<layer>.weight` (γ, ones), `.bias` (β, zeros), `.running_mean` (zeros),
 * `.running_var` (ones): a seeded BN is the identity up to eps, like a fresh PyTorch
 * BN in eval mode. Without `affine` (PyTorch `affine=False`) γ and β are not read.
 */
export function batchNormWeights(src: WeightSource, layer: string, channels: number, eps = 1e-5, affine = true): BatchNormParams {
  const get = (p: string, value: number) => src.get(`${layer}.${p}`, [channels], { kind: "constant", value }).data;
  const constant = (value: number) => new Float32Array(channels).fill(value);
  return {
    gamma: affine ? get("weight", 1) : constant(1),
    beta: affine ? get("bias", 0) : constant(0),
    runningMean: get("running_mean", 0),
    runningVar: get("running_var", 1),
    eps,
  };
}
