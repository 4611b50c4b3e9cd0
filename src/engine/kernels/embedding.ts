import { expectRank, type Tensor } from "../tensor.js";

/**
 * PyTorch's `nn.Embedding`: row `ids[t]` of `weight` `[V, D]` for each of the T ids,
 * giving `[T, D]`. An id that is not a whole number in [0, V) is an error naming it.
 */
export function embeddingLookup(ids: Tensor, weight: Tensor): Tensor {
  expectRank(ids, 1, "embedding input");
  expectRank(weight, 2, "embedding weight");
  const [V, D] = weight.shape as [number, number];
  const T = ids.shape[0]!;
  const out = new Float32Array(T * D);
  for (let t = 0; t < T; t++) {
    const id = ids.data[t]!;
    if (!Number.isInteger(id) || id < 0 || id >= V) {
      throw new RangeError(`embedding: token ${t} is ${id}, not a whole number in [0, ${V})`);
    }
    out.set(weight.data.subarray(id * D, (id + 1) * D), t * D);
  }
  return { shape: [T, D], data: out };
}
