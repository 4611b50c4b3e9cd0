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

const SHUFFLES = new Set(["Transpose", "Reshape", "Squeeze", "Unsqueeze", "Identity", "Dropout"]);

/** Which tensors are known without running the network: initializers, Constants, Shape outputs and what is computed from them only. */
function constantTensors(ctx: ImportContext, nodes: readonly NodeProto[]): Set<string> {
  const constant = new Set<string>();
  for (const [name, value] of ctx.values) if (value.kind === "const") constant.add(name);
  for (const node of nodes) {
    const inputs = (node.input ?? []).filter((i) => i !== "");
    const known = node.opType === "Constant" || node.opType === "Shape" || (inputs.length > 0 && inputs.every((i) => constant.has(i)));
    if (known) for (const output of node.output ?? []) constant.add(output);
  }
  return constant;
}

class BlockFinder {
  readonly nodes = new Set<NodeProto>();
  readonly entries = new Set<NodeProto>();

  constructor(
    private readonly ctx: ImportContext,
    private readonly constant: ReadonlySet<string>,
  ) {}

  private producer(tensor: string): NodeProto | undefined {
    const node = this.ctx.producers.get(tensor);
    return node && (!node.domain || node.domain === "ai.onnx") ? node : undefined;
  }

  /** The one reader of a tensor that is not a Shape node (shape arithmetic reads every tensor). */
  soleReader(tensor: string): NodeProto | undefined {
    const readers = new Set((this.ctx.consumers.get(tensor) ?? []).filter((n) => n.opType !== "Shape"));
    return readers.size === 1 ? [...readers][0] : undefined;
  }

  /** A two-input node's data input when its other input is a constant: [data, constant]. */
  private splitConstant(node: NodeProto): [string, string] | undefined {
    const [a, b] = node.input ?? [];
    if (a === undefined || b === undefined || (node.input ?? []).length !== 2) return undefined;
    if (this.constant.has(b) && !this.constant.has(a)) return [a, b];
    if (this.constant.has(a) && !this.constant.has(b)) return [b, a];
    return undefined;
  }

  /** Back from a tensor through head shuffles, scaling, and the Slices/Splits that pick Q, K or V from a packed projection. */
  throughShuffles(tensor: string): string {
    for (;;) {
      const node = this.producer(tensor);
      // A node met again is a cycle (a corrupt file) or another path's: stop there.
      if (!node || this.nodes.has(node)) return tensor;
      const first = node.input?.[0] ?? "";
      const op = node.opType ?? "";
      const rest = (node.input ?? []).slice(1).filter((i) => i !== "");
      const picks = (op === "Slice" || op === "Split" || op === "Gather") && rest.every((i) => this.constant.has(i));
      if ((SHUFFLES.has(op) || picks) && !this.constant.has(first) && rest.every((i) => this.constant.has(i))) {
        this.nodes.add(node);
        tensor = first;
        continue;
      }
      const scaled = (op === "Div" || op === "Mul") && this.splitConstant(node);
      if (scaled && (op === "Mul" || scaled[0] === first)) {
        this.nodes.add(node);
        tensor = scaled[0];
        continue;
      }
      return tensor;
    }
  }

  /** The tensor a projection reads, past the batch-first Transpose(1, 0, 2) PyTorch puts before it. */
  private entry(tensor: string): string {
    const node = this.producer(tensor);
    if (node?.opType === "Transpose" && new Attributes(node).ints("perm")?.join() === "1,0,2") {
      this.entries.add(node);
      return node.input![0]!;
    }
    return tensor;
  }

  /** A projection ending at `tensor`: MatMul by a constant (+ Add of a constant), or Gemm. */
  projection(tensor: string): { input: string; weight: string; bias?: string; transposed: boolean } | undefined {
    let node = this.producer(tensor);
    let bias: string | undefined;
    if (node?.opType === "Add") {
      const parts = this.splitConstant(node);
      if (!parts) return undefined;
      this.nodes.add(node);
      bias = parts[1];
      node = this.producer(parts[0]);
    }
    if (node?.opType === "MatMul" && this.constant.has(node.input?.[1] ?? "") && !this.constant.has(node.input?.[0] ?? "")) {
      this.nodes.add(node);
      return { input: this.entry(node.input![0]!), weight: node.input![1]!, bias, transposed: false };
    }
    if (node?.opType === "Gemm" && bias === undefined && this.constant.has(node.input?.[1] ?? "")) {
      const a = new Attributes(node);
      if (a.int("transA", 0) !== 0) return undefined;
      this.nodes.add(node);
      return { input: this.entry(node.input![0]!), weight: node.input![1]!, bias: node.input?.[2] || undefined, transposed: a.int("transB", 0) === 1 };
    }
    return undefined;
  }

  /** Back from the Softmax's input past the additive mask and the scaling to QKᵀ. */
  scores(tensor: string): { product: NodeProto; mask?: string } | undefined {
    let mask: string | undefined;
    for (;;) {
      const node = this.producer(tensor);
      if (!node || this.nodes.has(node)) return undefined;
      const op = node.opType;
      if (op === "MatMul" && (node.input ?? []).every((i) => !this.constant.has(i))) {
        this.nodes.add(node);
        return { product: node, mask };
      }
      const parts = (op === "Add" || op === "Mul" || op === "Div") && this.splitConstant(node);
      if (!parts || (op === "Add" && mask !== undefined) || (op === "Div" && parts[0] !== node.input![0])) return undefined;
      if (op === "Add") mask = parts[1];
      this.nodes.add(node);
      tensor = parts[0];
    }
  }
}

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

function match(ctx: ImportContext, constant: ReadonlySet<string>, softmax: NodeProto): AttentionBlock | undefined {
  const a = new Attributes(softmax);
  if (a.int("axis", -1) !== -1 && a.int("axis", -1) !== 3 && a.int("axis", -1) !== 2) return undefined;
  const find = new BlockFinder(ctx, constant);
  find.nodes.add(softmax);
  const scores = find.scores(softmax.input?.[0] ?? "");
  if (!scores) return undefined;
  let weighted = find.soleReader(softmax.output?.[0] ?? "");
  if (weighted?.opType === "Dropout") {
    find.nodes.add(weighted);
    weighted = find.soleReader(weighted.output?.[0] ?? "");
  }
  if (weighted?.opType !== "MatMul" || weighted.input?.[0] === weighted.input?.[1]) return undefined;
  find.nodes.add(weighted);
  const heads = scores.product.input![0]!;
  const parts = [heads, scores.product.input![1]!, weighted.input![1]!].map((t) => find.projection(find.throughShuffles(t)));
  const [q, k, v] = parts;
  if (!q || !k || !v || k.input !== v.input || [k, v].some((p) => (p.bias === undefined) !== (q.bias === undefined))) return undefined;
  // After AV: the heads merged back (Transpose, Reshape), the output projection, the batch-first Transpose back.
  let tensor = weighted.output![0]!;
  const shuffle = () => {
    for (let next = find.soleReader(tensor); next && !find.nodes.has(next) && (next.opType === "Transpose" || next.opType === "Reshape"); next = find.soleReader(tensor)) {
      find.nodes.add(next);
      tensor = next.output![0]!;
    }
  };
  shuffle();
  const projected = find.soleReader(tensor);
  if (!projected || !((projected.opType === "Gemm" || projected.opType === "MatMul") && projected.input?.[0] === tensor && constant.has(projected.input?.[1] ?? ""))) return undefined;
  find.nodes.add(projected);
  tensor = projected.output![0]!;
  let outBias = projected.opType === "Gemm" && (projected.input?.[2] ?? "") !== "" ? projected.input![2]! : undefined;
  const added = projected.opType === "MatMul" ? find.soleReader(tensor) : undefined;
  if (added?.opType === "Add" && (added.input ?? []).length === 2 && added.input!.some((i) => constant.has(i)) && added.input!.includes(tensor)) {
    find.nodes.add(added);
    outBias = added.input!.find((i) => i !== tensor);
    tensor = added.output![0]!;
  }
  if ((outBias === undefined) !== (q.bias === undefined)) return undefined;
  shuffle();
  const exit = ctx.producers.get(tensor)!;
  // Every tensor inside is read only inside (or by shape arithmetic); the block's output may be read anywhere.
  for (const node of find.nodes) {
    if (node === exit) continue;
    for (const output of node.output ?? []) {
      if ((ctx.consumers.get(output) ?? []).some((r) => r.opType !== "Shape" && !find.nodes.has(r))) return undefined;
    }
  }
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
  return { nodes: find.nodes, entries: find.entries, exit, softmax, query: q.input, keys: k.input, heads, mask: scores.mask, bias: q.bias !== undefined, weights, broken: false };
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
  if (!dims) block.broken = true;
  if (node !== block.exit) {
    (node.output ?? []).forEach((name, i) => ctx.values.set(name, { kind: "internal", dims: dims?.[i] ?? [] }));
    return;
  }
  const output = node.output![0]!;
  const named = patternNode(node, block.softmax.name);
  const inputs: DataValue[] = [ctx.values.get(block.query), ...(block.keys === block.query ? [] : [ctx.values.get(block.keys)])].map((value, i) => {
    if (value?.kind !== "data") ctx.fail(named, `the ${i === 0 ? "queries" : "keys and values"} of this attention block are not a sequence netfig computes`);
    return value;
  });
  const shape = dims?.[0] ? netfigShape(dims[0]) : undefined;
  const features = inputs[0]!.shape?.[inputs[0]!.shape.length - 1];
  const headValue = ctx.values.get(block.heads);
  const headSize = headValue?.kind === "internal" ? headValue.dims[headValue.dims.length - 1] : undefined;
  const sized = !block.broken && shape?.join() === inputs[0]!.shape?.join() && features !== undefined && typeof headSize === "number" && headSize > 0 && features % headSize === 0;
  if (!sized) {
    ctx.warn(named, "reads like an attention block but its heads or output could not be sized; drawn as a plain block");
    ctx.values.set(output, ctx.emit(named, "opaque", args([arg.word("Attention")], shape ? { shape: shape.length === 1 ? arg.num(shape[0]!) : arg.dims(shape) } : {}), inputs, { label: "Attention" }));
    return;
  }
  const steps = inputs[0]!.shape![0]!;
  const mask = block.mask ? ctx.values.get(block.mask) : undefined;
  const causal = block.mask !== undefined && isCausal(mask, steps);
  if (block.mask && !causal) ctx.warn(named, "adds an attention mask that is not the causal one; the layer is drawn and counted without it");
  const flags = causal ? ["causal"] : [];
  const opArgs = args([], { heads: arg.num(features! / (headSize as number)), bias: arg.word(String(block.bias)) }, flags);
  const kv = inputs[1] ? { kv: inputs[1].node } : undefined;
  ctx.values.set(output, ctx.emit(named, "attention", opArgs, inputs, { weights: block.weights, attrs: kv }));
}
