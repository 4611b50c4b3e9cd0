import { expectRank, type Tensor } from "../tensor.js";
import { avgPool2d, type Pool2dParams } from "./pooling.js";

/**
 * LeNet-5's subsampling (LeCun et al., 1998, section II.B): each window's sum times a
 * trainable coefficient per map, plus a trainable bias per map.
 */
export function subsample2d(x: Tensor, p: Pool2dParams, coefficient: Float32Array, bias: Float32Array): Tensor {
  const mean = avgPool2d(x, p, true);
  const [C, Ho, Wo] = mean.shape as [number, number, number];
  const window = p.kernel[0] * p.kernel[1];
  const out = new Float32Array(mean.data.length);
  for (let c = 0; c < C; c++) {
    const scale = coefficient[c]! * window;
    for (let i = c * Ho * Wo; i < (c + 1) * Ho * Wo; i++) out[i] = mean.data[i]! * scale + bias[c]!;
  }
  return { shape: [C, Ho, Wo], data: out };
}

/**
 * LeNet-5's output layer of Euclidean radial basis function units (equation 7):
 * `y_i = Σ_j (x_j − w_ij)²` for the rows of `centres` `[units, features]`.
 */
export function euclideanRbf(x: Tensor, centres: Tensor): Tensor {
  expectRank(x, 1, "rbf input");
  const [units, features] = centres.shape as [number, number];
  if (x.shape[0] !== features) throw new RangeError(`rbf: ${x.shape[0]} inputs for ${features}-element centres`);
  const out = new Float32Array(units);
  for (let i = 0; i < units; i++) {
    let sum = 0;
    for (let j = 0; j < features; j++) {
      const d = x.data[j]! - centres.data[i * features + j]!;
      sum += d * d;
    }
    out[i] = sum;
  }
  return { shape: [units], data: out };
}

/** LeNet-5's squashing function `A·tanh(S·x)` (section II.B). */
export function scaledTanh(x: Tensor, amplitude: number, slope: number): Tensor {
  const out = new Float32Array(x.data.length);
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.tanh(slope * x.data[i]!);
  return { shape: [...x.shape], data: out };
}
