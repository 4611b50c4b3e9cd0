import { sameShape, type Tensor } from "../tensor.js";

export type DistanceMetric = "l1" | "l2" | "cosine";

/** PyTorch's `F.pairwise_distance` eps: added to the difference before the norm. */
const PAIRWISE_EPS = 1e-6;
/** PyTorch's `F.cosine_similarity` eps: the floor of the product of the norms. */
const COSINE_EPS = 1e-8;

function checkPair(a: Tensor, b: Tensor): void {
  if (!sameShape(a.shape, b.shape)) throw new RangeError(`distance: inputs [${a.shape.join(", ")}] and [${b.shape.join(", ")}] differ`);
}

/**
 * One number for two tensors of one shape, over all their elements: `‖a − b + ε‖₁` or
 * `‖a − b + ε‖₂` (`F.pairwise_distance(a, b, p)`), or the cosine similarity
 * `a·b / max(‖a‖‖b‖, ε)` (`F.cosine_similarity`). Returns `[1]`.
 */
export function pairDistance(a: Tensor, b: Tensor, metric: DistanceMetric): Tensor {
  checkPair(a, b);
  let sum = 0, dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i]!, y = b.data[i]!;
    const d = x - y + PAIRWISE_EPS;
    sum += metric === "l1" ? Math.abs(d) : d * d;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  const value = metric === "l1" ? sum : metric === "l2" ? Math.sqrt(sum) : dot / Math.max(Math.sqrt(na * nb), COSINE_EPS);
  return { shape: [1], data: Float32Array.of(value) };
}

/**
 * The distance kept per element: `|a − b|` for L1 (Koch et al.'s Siamese head,
 * `torch.abs(a - b)`), `(a − b)²` for L2. Same shape as the inputs.
 */
export function componentDistance(a: Tensor, b: Tensor, metric: "l1" | "l2"): Tensor {
  checkPair(a, b);
  const out = new Float32Array(a.data.length);
  for (let i = 0; i < out.length; i++) {
    const d = a.data[i]! - b.data[i]!;
    out[i] = metric === "l1" ? Math.abs(d) : d * d;
  }
  return { shape: [...a.shape], data: out };
}
