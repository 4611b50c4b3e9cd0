import type { Projection } from "../../../engine/kernels/attention.js";
import { transpose } from "../../../engine/kernels/shape.js";
import type { Tensor } from "../../../engine/tensor.js";
import { attentionParameters, attentionSizes, type AttentionAttrs } from "../../../ops/attention.js";
import { part, type GraphBuilder, type LayerExport, type OpExport } from "../builder.js";

/** Arrays one after another. */
function concatenated(parts: Float32Array[]): Float32Array {
  const data = new Float32Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    data.set(part, offset);
    offset += part.length;
  }
  return data;
}

/** Weights `[out, in]` stacked along `out`: in_proj's Q, K and V rows. */
function stacked(weights: Tensor[]): Tensor {
  const data = concatenated(weights.map((w) => w.data));
  return { shape: [data.length / weights[0]!.shape[1]!, weights[0]!.shape[1]!], data };
}

/** The projections' biases one after another; null when the layer has none. */
function joined(projections: Projection[]): Float32Array | null {
  return projections.every((p) => p.bias) ? concatenated(projections.map((p) => p.bias!)) : null;
}

/** x·Wᵀ + b on a `[T, batch, in]` tensor, PyTorch's way: MatMul by the stored transpose, then Add(bias, ·). */
function project(g: GraphBuilder, l: LayerExport, x: string, weight: Tensor, bias: Float32Array | null, name: string, weightName: string, biasName: string): string {
  const product = g.node("MatMul", [x, g.weight(weightName, transpose(weight))], part(l, `${name}_matmul`));
  if (!bias) return product;
  return g.node("Add", [g.weight(biasName, { shape: [bias.length], data: bias }), product], part(l, name));
}

/**
 * Multi-head attention as PyTorch 1.13 exports `nn.MultiheadAttention(batch_first=True)` at
 * opset 14 (`F.multi_head_attention_forward`), so an importer that folds PyTorch's pattern
 * folds this one: the batch-first input transposed to `[T, batch, D]`; self-attention one
 * MatMul by the packed in-projection (`<layer>.in_proj_weight`, stored transposed `[D, 3D]`)
 * and Add of `<layer>.in_proj_bias`, Sliced into Q, K and V; cross-attention (`kv=`) with keys
 * of D features a MatMul+Add of the query by in_proj's Q rows (`<layer>.in_proj_weight.q`,
 * `<layer>.in_proj_bias.q`) and one of the keys' layer by its K and V rows (`.kv`), Sliced
 * into K and V; with keys of another width three MatMul+Add (`<layer>.q_proj_weight`,
 * `.k_proj_weight`, `.v_proj_weight`, stored transposed; `<layer>.in_proj_bias.q`, `.k`, `.v`).
 * Each Reshaped to
 * `[T, batch·H, D/H]` and Transposed into heads (K to `[batch·H, D/H, S]`), Q Divided by
 * √(D/H), MatMul, the causal mask Added, Softmax over the keys, MatMul by V, Transposed and
 * Reshaped back to `[T·batch, D]`, the Gemm of `<layer>.out_proj.weight` and `.bias` (without
 * bias a MatMul by the weight stored transposed), and
 * Reshaped and Transposed to batch first. PyTorch's shape arithmetic (Shape, Gather, …) is
 * written as the constants it folds to, with −1 for the batch so it may stay symbolic.
 */
export const attention: OpExport = (g, l) => {
  const attrs = l.layer.node.attrs as AttentionAttrs;
  const { steps: t, features: d, keySteps: s, keyFeatures: dkv } = attentionSizes(l.layer.inputShapes, attrs);
  const p = attentionParameters(attrs, l.params);
  const width = d / attrs.heads;
  const sequenceFirst = (x: string, name: string) => g.node("Transpose", [x], part(l, name), { perm: [1, 0, 2] });
  const query = sequenceFirst(l.inputs[0]!, "query");
  const weightName = (name: string) => `${l.output}.${name}`;
  const split = (packed: string, names: string[]) => {
    const axis = g.ints(part(l, "split_axis"), [-1]);
    return names.map((name, i) => g.node("Slice", [packed, g.ints(part(l, `${name}_start`), [i * d]), g.ints(part(l, `${name}_end`), [(i + 1) * d]), axis], part(l, name)));
  };
  let q: string, k: string, v: string;
  if (!attrs.kv) {
    const qkv = project(g, l, query, stacked([p.query.weight, p.key.weight, p.value.weight]), joined([p.query, p.key, p.value]), "in_proj", weightName("in_proj_weight"), weightName("in_proj_bias"));
    [q, k, v] = split(qkv, ["q", "k", "v"]) as [string, string, string];
  } else if (dkv === d) {
    // PyTorch projects the query alone and the keys and values with their rows of in_proj packed.
    const memory = sequenceFirst(l.inputs[1]!, "memory");
    q = project(g, l, query, p.query.weight, p.query.bias, "q", weightName("in_proj_weight.q"), weightName("in_proj_bias.q"));
    const kv = project(g, l, memory, stacked([p.key.weight, p.value.weight]), joined([p.key, p.value]), "kv", weightName("in_proj_weight.kv"), weightName("in_proj_bias.kv"));
    [k, v] = split(kv, ["k", "v"]) as [string, string];
  } else {
    const memory = sequenceFirst(l.inputs[1]!, "memory");
    const one = (projection: Projection, name: "q" | "k" | "v", x: string) => project(g, l, x, projection.weight, projection.bias, name, weightName(`${name}_proj_weight`), weightName(`in_proj_bias.${name}`));
    [q, k, v] = [one(p.query, "q", query), one(p.key, "k", memory), one(p.value, "v", memory)];
  }
  const heads = (x: string, steps: number, perm: number[], name: string) =>
    g.node("Transpose", [g.node("Reshape", [x, g.ints(part(l, `${name}_heads_shape`), [steps, -1, width])], part(l, `${name}_heads`))], part(l, `${name}_by_head`), { perm });
  const scaled = g.node("Div", [heads(q, t, [1, 0, 2], "q"), g.scalar(part(l, "sqrt_head_size"), Math.sqrt(width))], part(l, "q_scaled"));
  let scores = g.node("MatMul", [scaled, heads(k, s, [1, 2, 0], "k")], part(l, "scores"));
  if (attrs.causal) {
    const mask = new Float32Array(t * s);
    for (let i = 0; i < t; i++) mask.fill(-Infinity, i * s + i + 1, (i + 1) * s);
    scores = g.node("Add", [scores, g.weight(part(l, "causal_mask"), { shape: [t, s], data: mask })], part(l, "masked_scores"));
  }
  const weights = g.node("Softmax", [scores], part(l, "weights"), { axis: -1 });
  const perHead = g.node("MatMul", [weights, heads(v, s, [1, 0, 2], "v")], part(l, "heads"));
  const rows = g.node("Reshape", [g.node("Transpose", [perHead], part(l, "heads_by_step"), { perm: [1, 0, 2] }), g.ints(part(l, "rows_shape"), [-1, d])], part(l, "rows"));
  // PyTorch writes the out-projection as a Gemm, or without a bias as a MatMul by the stored transpose.
  const projected = p.output.bias
    ? g.node("Gemm", [rows, g.weight(weightName("out_proj.weight"), p.output.weight), g.weight(weightName("out_proj.bias"), { shape: [d], data: p.output.bias })], part(l, "out_proj"), { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 })
    : g.node("MatMul", [rows, g.weight(weightName("out_proj.weight"), transpose(p.output.weight))], part(l, "out_proj"));
  const sequence = g.node("Reshape", [projected, g.ints(part(l, "output_shape"), [t, -1, d])], part(l, "output"));
  g.node("Transpose", [sequence], l.output, { perm: [1, 0, 2] });
};
