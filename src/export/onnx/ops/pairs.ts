import type { DistanceAttrs } from "../../../ops/distance.js";
import { embeddingWeight, type EmbeddingAttrs } from "../../../ops/embedding.js";
import { sampleNoise } from "../../../ops/sample.js";
import { chwFromShape } from "../../../engine/tensor.js";
import { part, type OpExport } from "../builder.js";

/** PyTorch's eps of `pairwise_distance` and `cosine_similarity`, as the engine uses them. */
const PAIRWISE_EPS = 1e-6;
const COSINE_EPS = 1e-8;

/** An embedding: the ids cast to int64, then a Gather of the table's rows. */
export const embedding: OpExport = (g, l) => {
  const table = embeddingWeight(l.params.weights, l.params.layer, l.layer.node.attrs as EmbeddingAttrs);
  // Declared shapes are float32 tensors; the ids are int64, so this one is left undeclared.
  const ids = g.node("Cast", [l.inputs[0]!], part(l, "ids"), { to: 7 /* INT64 */ });
  g.node("Gather", [g.weight(`${l.output}.weight`, table), ids], l.output, { axis: 0 });
};

/**
 * The distance of two inputs, flattened from axis 1: Abs or the square of the Sub
 * (componentwise), ReduceL1/ReduceL2 of the Sub plus eps, or the cosine similarity as
 * the sum of the product over the larger of the product of the norms and eps.
 */
export const distance: OpExport = (g, l) => {
  const { metric, componentwise } = l.layer.node.attrs as DistanceAttrs;
  const [a, b] = l.inputs as [string, string];
  if (componentwise) {
    const difference = g.node("Sub", [a, b], part(l, "difference"), {}, { shape: l.layer.shape });
    if (metric === "l1") g.node("Abs", [difference], l.output);
    else g.node("Mul", [difference, difference], l.output);
    return;
  }
  const flat = (x: string, name: string) => g.node("Flatten", [x], part(l, name), { axis: 1 }, { shape: [chwFromShape(l.layer.inputShapes[0]!).reduce((p, d) => p * d, 1)] });
  const fa = flat(a, "a"), fb = flat(b, "b");
  if (metric === "cosine") {
    const dot = g.node("ReduceSum", [g.node("Mul", [fa, fb], part(l, "product")), g.ints(part(l, "axes"), [1])], part(l, "dot"), { keepdims: 1 }, { shape: [1] });
    const norms = g.node("Mul", [g.node("ReduceL2", [fa], part(l, "norm_a"), { axes: [1], keepdims: 1 }, { shape: [1] }), g.node("ReduceL2", [fb], part(l, "norm_b"), { axes: [1], keepdims: 1 }, { shape: [1] })], part(l, "norms"), {}, { shape: [1] });
    g.node("Div", [dot, g.node("Max", [norms, g.scalar(part(l, "eps"), COSINE_EPS)], part(l, "floor"), {}, { shape: [1] })], l.output);
    return;
  }
  const difference = g.node("Add", [g.node("Sub", [fa, fb], part(l, "sub")), g.scalar(part(l, "eps"), PAIRWISE_EPS)], part(l, "difference"));
  g.node(metric === "l1" ? "ReduceL1" : "ReduceL2", [difference], l.output, { axes: [1], keepdims: 1 });
};

/**
 * A VAE sample, with the engine's seeded noise stored as a constant (so the model gives
 * what `netfig run` gives; every row of a batch gets the same ε): μ + exp(½·logvar)·ε.
 */
export const sample: OpExport = (g, l) => {
  const [mean, logVariance] = l.inputs as [string, string];
  const shape = chwFromShape(l.layer.shape);
  const noise = g.weight(part(l, "noise"), sampleNoise(l.layer.node.attrs as { seed: number }, shape), [1, ...shape]);
  const half = g.node("Mul", [logVariance, g.scalar(part(l, "half"), 0.5)], part(l, "half_logvar"), {}, { shape: l.layer.shape });
  const deviation = g.node("Exp", [half], part(l, "std"), {}, { shape: l.layer.shape });
  const spread = g.node("Mul", [deviation, noise], part(l, "spread"), {}, { shape: l.layer.shape });
  g.node("Add", [mean, spread], l.output);
};
