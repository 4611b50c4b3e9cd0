import { multiHeadAttention, type AttentionParams, type Projection } from "../engine/kernels/attention.js";
import type { Tensor } from "../engine/tensor.js";
import { asBool, asPositiveInt, ArgReader } from "./args.js";
import { requireSequence } from "./sequence.js";
import { ArgError, DataError, ShapeError, type OpDef, type ParameterContext, type Shape } from "./types.js";

/** The most attention weights a run holds at once (1 GiB of float32): a 16,384-step self-attention's. */
const MAX_SCORES = 2 ** 28;

/** `kv`: the layer whose output gives the keys and values (cross-attention); absent, the layer attends to its own input. */
export type AttentionAttrs = { heads: number; causal: boolean; bias: boolean; kv?: string };

/** The sizes one attention layer works with: T queries of D features, S keys and values of Dkv features. */
export interface AttentionSizes {
  steps: number;
  features: number;
  keySteps: number;
  keyFeatures: number;
}

/** T, D, S and Dkv from the analysed inputs: the query sequence, then the `kv=` layer's sequence when there is one. */
export function attentionSizes(inputs: Shape[], attrs: AttentionAttrs): AttentionSizes {
  const [steps, features] = requireSequence(inputs[0]!, "attention");
  if (!attrs.kv && inputs.length > 1) {
    throw new ShapeError(`attention reads one sequence, got ${inputs.length} inputs`, "for cross-attention name the layer of the keys and values: attention heads=8 kv=encoder");
  }
  const [keySteps, keyFeatures] = attrs.kv ? requireSequence(inputs[1]!, "attention kv=") : [steps, features];
  return { steps, features, keySteps, keyFeatures };
}

/** Rows `[from, from + count)` of a `[rows, cols]` matrix, as a view. */
function rows(m: Tensor, from: number, count: number): Tensor {
  const cols = m.shape[1]!;
  return { shape: [count, cols], data: m.data.subarray(from * cols, (from + count) * cols) };
}

/**
 * The projections under `nn.MultiheadAttention`'s state-dict names: `<layer>.in_proj_weight`
 * `[3D, D]` (Q, K, V stacked) when the keys have the query's D features, else
 * `<layer>.q_proj_weight` `[D, D]`, `.k_proj_weight` and `.v_proj_weight` `[D, Dkv]`;
 * `<layer>.in_proj_bias` `[3D]`, `<layer>.out_proj.weight` `[D, D]` and `.out_proj.bias` `[D]`.
 * Seeded as PyTorch initialises them: Xavier-uniform weights, zero biases.
 */
export function attentionParameters(attrs: AttentionAttrs, ctx: ParameterContext): AttentionParams {
  const { features: d, keyFeatures: dkv } = attentionSizes(ctx.inputShapes, attrs);
  const { weights, layer } = ctx;
  const bias = attrs.bias ? weights.get(`${layer}.in_proj_bias`, [3 * d], { kind: "constant", value: 0 }).data : null;
  const biasOf = (i: number) => bias && bias.subarray(i * d, (i + 1) * d);
  let projections: Projection[];
  if (dkv === d) {
    const packed = weights.get(`${layer}.in_proj_weight`, [3 * d, d], { kind: "xavier", fanIn: d, fanOut: 3 * d });
    projections = [0, 1, 2].map((i) => ({ weight: rows(packed, i * d, d), bias: biasOf(i) }));
  } else {
    projections = (["q", "k", "v"] as const).map((name, i) => {
      const inFeatures = name === "q" ? d : dkv;
      return { weight: weights.get(`${layer}.${name}_proj_weight`, [d, inFeatures], { kind: "xavier", fanIn: inFeatures, fanOut: d }), bias: biasOf(i) };
    });
  }
  const output = {
    weight: weights.get(`${layer}.out_proj.weight`, [d, d], { kind: "xavier", fanIn: d, fanOut: d }),
    bias: attrs.bias ? weights.get(`${layer}.out_proj.bias`, [d], { kind: "constant", value: 0 }).data : null,
  };
  return { heads: attrs.heads, causal: attrs.causal, query: projections[0]!, key: projections[1]!, value: projections[2]!, output };
}

/**
 * Multi-head scaled dot-product attention, PyTorch's `nn.MultiheadAttention(D, H, bias=,
 * kdim=Dkv, vdim=Dkv, batch_first=True)` called as `mha(x, kv, kv)`: queries from the
 * input `T×D`, keys and values from the same input or from the layer `kv=` names (`S×Dkv`),
 * the output projected back to `T×D`. `causal` masks each step from the steps after it.
 */
export const attention: OpDef<AttentionAttrs> = {
  name: "attention",
  aliases: ["mha"],
  category: "attention",
  description: "multi-head attention: heads=H (kv=LAYER: cross-attention, causal: masked, bias=)",
  inputs: "many",
  mixesSteps: true,
  references: { kv: (layer) => ({ inputs: [layer.id], attrs: { kv: layer.id } }) },
  compile(args) {
    const reader = new ArgReader(args, "attention");
    const heads = reader.positional("number") ?? reader.named("heads", "num_heads");
    const kv = reader.named("kv");
    const biasArg = reader.named("bias");
    const noBias = reader.flag("nobias");
    const causal = reader.flag("causal");
    reader.finish(["heads", "kv", "causal", "bias", "nobias"]);
    if (!heads) throw new ArgError("attention needs a number of heads", "write e.g. attention heads=8", "heads");
    if (kv && kv.kind !== "word") throw new ArgError("attention kv= names the layer above whose output gives the keys and values", "write e.g. attention heads=8 kv=encoder", "kv");
    if (noBias && biasArg) throw new ArgError("attention takes bias= or nobias, not both", undefined, "bias");
    return { heads: asPositiveInt(heads, "heads"), causal, bias: noBias ? false : biasArg ? asBool(biasArg, "bias") : true };
  },
  outShape(inputs, attrs) {
    const { steps, features, keySteps } = attentionSizes(inputs, attrs);
    if (features % attrs.heads !== 0) {
      throw new ShapeError(`attention: ${features} features do not split into ${attrs.heads} heads`, `choose heads that divide ${features}, e.g. heads=${largestDivisorAtMost(features, attrs.heads)}`);
    }
    if (attrs.causal && keySteps !== steps) {
      throw new ShapeError(`attention: a causal mask needs as many keys as queries, got ${steps} queries and ${keySteps} keys`, "drop causal for cross-attention");
    }
    return [steps, features];
  },
  // in_proj (Q: D×D, K and V: D×Dkv each, bias 3D) and out_proj (D×D, bias D); 4·D² + 4·D when Dkv = D.
  params(inputs, _out, attrs) {
    const { features: d, keyFeatures: dkv } = attentionSizes(inputs, attrs);
    return 2 * d * d + 2 * d * dkv + (attrs.bias ? 4 * d : 0);
  },
  // The four projections and the two attention products QKᵀ and AV (fvcore's and torchvision's count).
  macs(inputs, _out, attrs) {
    const { steps: t, features: d, keySteps: s, keyFeatures: dkv } = attentionSizes(inputs, attrs);
    return 2 * t * d * d + 2 * s * dkv * d + 2 * t * s * d;
  },
  describe: (attrs) => `${attrs.heads} heads${attrs.causal ? ", causal" : ""}`,
  async forward([query, memory], attrs, ctx) {
    const keys = attrs.kv ? memory! : query!;
    const keep = ctx.keepIntermediate !== undefined;
    const scores = query!.shape[0]! * keys.shape[0]! * (keep ? attrs.heads : 1);
    if (scores > MAX_SCORES) {
      throw new DataError(
        `its ${query!.shape[0]} queries and ${keys.shape[0]} keys make ${scores} attention weights${keep ? ` over ${attrs.heads} heads` : " per head"}, more than the ${MAX_SCORES} a run holds`,
        keep && scores / attrs.heads <= MAX_SCORES ? "draw it without --activations, which keeps every head's weights, or run a shorter sequence" : "run a shorter sequence",
      );
    }
    const { output, weights } = await multiHeadAttention(ctx.pool, query!, keys, attentionParameters(attrs, ctx), keep);
    if (weights) ctx.keepIntermediate!("attention", weights);
    return output;
  },
};

function largestDivisorAtMost(n: number, limit: number): number {
  for (let h = Math.min(limit, n); h > 1; h--) if (n % h === 0) return h;
  return 1;
}
