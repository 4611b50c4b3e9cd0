import { Attributes } from "./attributes.js";
import type { ImportContext, LayerWeights } from "./context.js";
import type { NodeProto } from "./decode.js";
import type { Projection } from "./attention-match.js";

/**
 * Which initializers hold an attention block's parameters, under nn.MultiheadAttention's
 * state-dict names (`in_proj_weight` [3D, D], `in_proj_bias`, `q/k/v_proj_weight` when kdim
 * or vdim differ, `out_proj.weight`, `out_proj.bias`), however the file cut, transposed or
 * split them.
 */

/** The base initializer a weight was cut or transposed from (cross-attention slices `in_proj_weight`), and whether it reached the layer transposed. */
function baseTensor(ctx: ImportContext, tensor: string): { tensor: string; transposed: boolean } | undefined {
  let transposed = false;
  for (let steps = 0; steps < 8; steps++) {
    const value = ctx.values.get(tensor);
    if (value?.kind === "const" && value.source) return { tensor: value.source.tensor.name, transposed: transposed !== (value.source.perm !== undefined) };
    const node = ctx.producers.get(tensor);
    if (!node || !["Transpose", "Slice", "Identity", "Split", "Gather"].includes(node.opType ?? "")) return undefined;
    if (node.opType === "Transpose") transposed = !transposed;
    tensor = node.input![0]!;
  }
  return undefined;
}

/** The parameters of the block whose Q, K and V projections and output projection (a Gemm or MatMul, its bias `outBias`) these are. */
export function attentionWeights(ctx: ImportContext, [q, k, v]: Projection[], projected: NodeProto, outBias: string | undefined): LayerWeights {
  const weights: LayerWeights = {};
  // The distinct projections in Q, K, V order: one packed (self-attention), Q and a packed K/V (cross-attention), or three apart.
  const projections = [q, k, v].filter((p, i, all) => all.findIndex((o) => o.weight === p.weight) === i);
  // MatMul reads [in, out]: PyTorch's [out, in] transposed, unless the file carries it untransposed through a Transpose; Gemm with transB reads PyTorch's own.
  const pytorchLayout = (base: { tensor: string; transposed: boolean }, gemmTransposed: boolean) => (base.transposed !== !gemmTransposed ? { tensor: base.tensor, perm: [1, 0] } : { tensor: base.tensor });
  const stacked = (bases: ({ tensor: string; transposed: boolean } | undefined)[], layout: (base: { tensor: string; transposed: boolean }, i: number) => { tensor: string; perm?: number[] }): LayerWeights[string] | undefined => {
    if (!bases.every((b) => b)) return undefined;
    const layouts = bases.map((b, i) => layout(b!, i));
    // Slices of one tensor (PyTorch cuts in_proj_weight for cross-attention) are that tensor; tensors apart stack in Q, K, V order.
    return new Set(bases.map((b) => b!.tensor)).size === 1 ? layouts[0]! : { ...layouts[0]!, parts: layouts };
  };
  const bases = projections.map((p) => baseTensor(ctx, p.weight));
  const inProjection = stacked(bases, (b, i) => pytorchLayout(b, projections[i]!.transposed));
  if (inProjection) weights.in_proj_weight = inProjection;
  if (inProjection?.parts?.length === 3) {
    // kdim/vdim other than D: nn.MultiheadAttention keeps q_proj_weight, k_proj_weight and v_proj_weight apart.
    (["q", "k", "v"] as const).forEach((part, i) => (weights[`${part}_proj_weight`] = inProjection.parts![i]!));
  }
  const inBias = q.bias ? stacked(projections.map((p) => baseTensor(ctx, p.bias!)), (b) => ({ tensor: b.tensor })) : undefined;
  if (inBias) weights.in_proj_bias = inBias;
  const out = baseTensor(ctx, projected.input![1]!);
  const outTransposed = projected.opType === "Gemm" && new Attributes(projected).int("transB", 0) === 1;
  // Gemm with transB reads PyTorch's [out, in] as stored; MatMul reads [in, out], which is PyTorch's only when it passed a Transpose.
  if (out) weights["out_proj.weight"] = out.transposed === outTransposed ? { tensor: out.tensor, perm: [1, 0] } : { tensor: out.tensor };
  const outBiasBase = outBias ? baseTensor(ctx, outBias) : undefined;
  if (outBiasBase) weights["out_proj.bias"] = { tensor: outBiasBase.tensor };
  return weights;
}
