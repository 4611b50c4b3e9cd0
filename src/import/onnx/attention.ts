import { constantTensors, match } from "./attention-match.js";
import { Attributes } from "./attributes.js";
import { arg, args, type ImportContext, type LayerWeights } from "./context.js";
import type { NodeProto } from "./decode.js";
import { internalDims } from "./dims.js";
import { patternNode } from "./patterns.js";
import { netfigShape, type DataValue, type Value } from "./values.js";

/**
 * Multi-head attention as PyTorch writes it (`nn.MultiheadAttention`, torch 1.13): the
 * Q/K/V projections (one packed MatMul + Add then Slices, or one per part), the Reshape and
 * Transpose into heads, QKᵀ scaled by 1/√dh (Div or Mul), an optional additive mask, the
 * Softmax, AV, the Transpose/Reshape back and the output projection (Gemm, or MatMul + Add),
 * batch-first Transposes around it all. Found from each Softmax before any node is mapped:
 * the block's nodes then size their outputs as internal tensors, and its last node emits one
 * `attention` layer. A Softmax whose surroundings are anything else maps as before.
 */

export interface AttentionBlock {
  nodes: Set<NodeProto>;
  /** The batch-first Transposes of the block's inputs, which PyTorch may share between blocks (a decoder's memory). */
  entries: Set<NodeProto>;
  /** The node whose output is the block's output. */
  exit: NodeProto;
  softmax: NodeProto;
  /** The tensors the queries and the keys/values are projected from (the same tensor: self-attention). */
  query: string;
  keys: string;
  /** The scaled queries as QKᵀ reads them: their last dim is the head size. */
  heads: string;
  mask?: string;
  bias: boolean;
  weights: LayerWeights;
  /** A node inside could not be sized: the block becomes a plain block. */
  broken: boolean;
}

/** Every attention block of the graph, by each of its nodes. Runs after the initializers and inputs have their values. */
export function findAttentionBlocks(ctx: ImportContext, nodes: readonly NodeProto[]): Map<NodeProto, AttentionBlock> {
  const blocks = new Map<NodeProto, AttentionBlock>();
  const softmaxes = nodes.filter((n) => n.opType === "Softmax" && (!n.domain || n.domain === "ai.onnx"));
  if (softmaxes.length === 0) return blocks;
  const constant = constantTensors(ctx, nodes);
  for (const softmax of softmaxes) {
    if (blocks.has(softmax)) continue;
    const block = match(ctx, constant, softmax);
    if (!block || [...block.nodes].some((n) => blocks.has(n))) continue;
    for (const node of block.nodes) blocks.set(node, block);
  }
  // An input Transpose may serve several blocks, but nothing else: its output exists only inside them.
  for (const block of new Set(blocks.values())) {
    const shared = [...block.entries].every((entry) => (ctx.consumers.get(entry.output?.[0] ?? "") ?? []).every((r) => r.opType === "Shape" || blocks.has(r)));
    if (!shared) for (const node of block.nodes) blocks.delete(node);
  }
  for (const block of new Set(blocks.values())) for (const entry of block.entries) if (!blocks.has(entry)) blocks.set(entry, block);
  return blocks;
}

/** Whether an additive mask is the causal one: 0 on and below the diagonal, -∞ (or a large negative) above it. */
function isCausal(mask: Value | undefined, steps: number): boolean {
  if (mask?.kind !== "const" || !mask.values || mask.values.length !== steps * steps) return false;
  return mask.values.every((v, i) => {
    const [row, col] = [Math.floor(i / steps), i % steps];
    return col > row ? v !== null && v <= -1e4 : v === 0;
  });
}

/** One node of a block: its outputs sized as internal tensors, and at the block's last node the `attention` layer. */
export function visitBlock(ctx: ImportContext, block: AttentionBlock, node: NodeProto, values: (Value | undefined)[]): void {
  const dims = block.broken ? undefined : internalDims(node, values);
  // Attention normalises each query's scores over the keys: the last axis.
  const rank = dims?.[0]?.length ?? 0;
  const axis = node === block.softmax ? new Attributes(node).int("axis", -1) : -1;
  if (!dims || (axis !== -1 && axis !== rank - 1)) block.broken = true;
  if (node !== block.exit) {
    (node.output ?? []).forEach((name, i) => ctx.values.set(name, { kind: "internal", dims: dims?.[i] ?? [] }));
    return;
  }
  const output = node.output![0]!;
  const named = patternNode(node, block.softmax.name);
  const inputs: DataValue[] = [ctx.values.get(block.query), ...(block.keys === block.query ? [] : [ctx.values.get(block.keys)])].map((value, i) => {
    if (value?.kind !== "data") ctx.fail(block.softmax, `the ${i === 0 ? "queries" : "keys and values"} of this attention block are not a sequence netfig computes`);
    return value;
  });
  const shape = dims?.[0] ? netfigShape(dims[0]) : undefined;
  const features = inputs[0]!.shape?.[inputs[0]!.shape.length - 1];
  const headValue = ctx.values.get(block.heads);
  const headSize = headValue?.kind === "internal" ? headValue.dims[headValue.dims.length - 1] : undefined;
  const sized = !block.broken && shape?.join() === inputs[0]!.shape?.join() && features !== undefined && typeof headSize === "number" && headSize > 0 && features % headSize === 0;
  if (!sized) {
    ctx.warn(block.softmax, "reads like an attention block but its heads or output could not be sized; drawn as a plain block");
    ctx.values.set(output, ctx.emit(named, "opaque", args([arg.word("Attention")], shape ? { shape: shape.length === 1 ? arg.num(shape[0]!) : arg.dims(shape) } : {}), inputs, { label: "Attention" }));
    return;
  }
  const steps = inputs[0]!.shape![0]!;
  const mask = block.mask ? ctx.values.get(block.mask) : undefined;
  const causal = block.mask !== undefined && isCausal(mask, steps);
  if (block.mask && !causal) ctx.warn(block.softmax, "adds an attention mask that is not the causal one; the layer is drawn and counted without it");
  const flags = causal ? ["causal"] : [];
  const opArgs = args([], { heads: arg.num(features! / (headSize as number)), bias: arg.word(String(block.bias)) }, flags);
  const kv = inputs[1] ? { kv: inputs[1].node } : undefined;
  ctx.values.set(output, ctx.emit(named, "attention", opArgs, inputs, { weights: block.weights, attrs: kv }));
}
