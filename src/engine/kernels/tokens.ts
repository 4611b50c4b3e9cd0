import { expectRank, type Tensor } from "../tensor.js";
import { transpose } from "./shape.js";

/** `[D, h, w]` (a patch conv's output) as the sequence `[h·w, D]`: PyTorch's `x.flatten(2).transpose(1, 2)`. */
export function patchSequence(x: Tensor): Tensor {
  expectRank(x, 3, "patch sequence input");
  const [d, h, w] = x.shape as [number, number, number];
  return transpose({ shape: [d, h * w], data: x.data });
}

/** `row` `[D]` before the steps of `x` `[T, D]`: `torch.cat([row, x], dim=1)`. */
export function prependStep(x: Tensor, row: Float32Array): Tensor {
  expectRank(x, 2, "prepended sequence");
  const [t, d] = x.shape as [number, number];
  if (row.length !== d) throw new RangeError(`prepend: a token of ${row.length} features before steps of ${d}`);
  const out = new Float32Array((t + 1) * d);
  out.set(row);
  out.set(x.data, d);
  return { shape: [t + 1, d], data: out };
}

/** `x` `[T, D]` plus the first T rows of `table` `[≥T, D]`. */
export function addPositions(x: Tensor, table: Float32Array): Tensor {
  expectRank(x, 2, "positions input");
  if (table.length < x.data.length) throw new RangeError(`positions: a table of ${table.length} values for ${x.data.length}`);
  const out = new Float32Array(x.data.length);
  for (let i = 0; i < out.length; i++) out[i] = x.data[i]! + table[i]!;
  return { shape: [...x.shape], data: out };
}

/**
 * The sinusoidal position encoding of Vaswani et al. 2017 (§3.5), `[T, D]`:
 * PE(pos, 2i) = sin(pos / 10000^(2i/D)), PE(pos, 2i+1) = cos(pos / 10000^(2i/D)).
 */
export function sinusoids(steps: number, features: number): Float32Array {
  const out = new Float32Array(steps * features);
  for (let i = 0; 2 * i < features; i++) {
    const rate = Math.exp(2 * i * (-Math.log(10000) / features));
    for (let pos = 0; pos < steps; pos++) {
      out[pos * features + 2 * i] = Math.sin(pos * rate);
      if (2 * i + 1 < features) out[pos * features + 2 * i + 1] = Math.cos(pos * rate);
    }
  }
  return out;
}

/** Step `index` of `x` `[T, D]` as a vector `[D]`. */
export function selectStep(x: Tensor, index: number): Tensor {
  expectRank(x, 2, "token input");
  const [t, d] = x.shape as [number, number];
  if (!Number.isInteger(index) || index < 0 || index >= t) throw new RangeError(`token: step ${index} of ${t}`);
  return { shape: [d], data: x.data.slice(index * d, (index + 1) * d) };
}
