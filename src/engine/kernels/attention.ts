import type { ComputePool } from "../pool.js";
import { expectRank, sharedFloat32, type Tensor } from "../tensor.js";
import { softmax } from "./activation.js";

/** One projection `x·Wᵀ + b`: the weight `[out, in]` as `nn.Linear` keeps it. */
export interface Projection {
  weight: Tensor;
  bias: Float32Array | null;
}

/** `nn.MultiheadAttention`'s projections (in_proj split into Q, K and V; out_proj), its heads and mask. */
export interface AttentionParams {
  heads: number;
  causal: boolean;
  query: Projection;
  key: Projection;
  value: Projection;
  output: Projection;
}

/** Columns `[from, from + width)` of a `[rows, cols]` matrix, transposed when asked, in shared memory for the pool. */
function columns(m: Tensor, from: number, width: number, transposed: boolean): Tensor {
  const [rows, cols] = m.shape as [number, number];
  const out = sharedFloat32(rows * width);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < width; c++) out[transposed ? c * rows + r : r * width + c] = m.data[r * cols + from + c]!;
  }
  return { shape: transposed ? [width, rows] : [rows, width], data: out };
}

/**
 * Multi-head scaled dot-product attention as PyTorch 1.13's `F.multi_head_attention_forward`
 * computes it: Q, K and V projected, each head's queries scaled by 1/√(D/H), scores QKᵀ
 * (masked above the diagonal when causal), a softmax over the keys, AV, the heads
 * concatenated and projected out. `query` `[T, D]`, `memory` `[S, Dkv]` (the query itself
 * for self-attention). Returns the output `[T, D]` and, when `keepWeights`, the attention
 * weights `[H, T, S]` (otherwise only one head's `T × S` is held at a time).
 */
export async function multiHeadAttention(pool: ComputePool, query: Tensor, memory: Tensor, p: AttentionParams, keepWeights: boolean): Promise<{ output: Tensor; weights?: Tensor }> {
  expectRank(query, 2, "attention query");
  expectRank(memory, 2, "attention keys and values");
  const [t, d] = query.shape as [number, number];
  const s = memory.shape[0]!;
  if (d % p.heads !== 0) throw new RangeError(`attention: ${d} features do not split into ${p.heads} heads`);
  const width = d / p.heads;
  const scale = 1 / Math.sqrt(width);
  const q = await pool.linear(query, p.query.weight, p.query.bias);
  const k = await pool.linear(memory, p.key.weight, p.key.bias);
  const v = await pool.linear(memory, p.value.weight, p.value.bias);
  const weights = keepWeights ? new Float32Array(p.heads * t * s) : undefined;
  const heads = sharedFloat32(t * d);
  for (let h = 0; h < p.heads; h++) {
    const qh = columns(q, h * width, width, false);
    for (let i = 0; i < qh.data.length; i++) qh.data[i]! *= scale;
    const scores = await pool.linear(qh, columns(k, h * width, width, false), null);
    if (p.causal) for (let i = 0; i < t; i++) scores.data.fill(-Infinity, i * s + i + 1, (i + 1) * s);
    const attention = softmax(scores);
    weights?.set(attention.data, h * t * s);
    const out = await pool.linear(attention, columns(v, h * width, width, true), null);
    for (let i = 0; i < t; i++) heads.set(out.data.subarray(i * width, (i + 1) * width), i * d + h * width);
  }
  const output = await pool.linear({ shape: [t, d], data: heads }, p.output.weight, p.output.bias);
  return { output, ...(weights && { weights: { shape: [p.heads, t, s], data: weights } }) };
}
