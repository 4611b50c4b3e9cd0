import { Attributes } from "./attributes.js";
import type { ImportContext } from "./context.js";
import type { NodeProto } from "./decode.js";
import type { AttentionBlock } from "./attention.js";
import { attentionWeights } from "./attention-weights.js";

/**
 * The shape of one attention block in the graph, walked from its Softmax: back past the
 * mask and scaling to QKᵀ, back from Q, K and V through the head shuffles to their
 * projections, forward from AV through the heads merged back to the output projection.
 */

/** A Q, K or V projection: the tensor it reads (past a batch-first Transpose), its weight and bias tensors, whether a Gemm reads the weight transposed. */
export interface Projection {
  input: string;
  weight: string;
  bias?: string;
  transposed: boolean;
}

const SHUFFLES = new Set(["Transpose", "Reshape", "Squeeze", "Unsqueeze", "Identity", "Dropout"]);

/** Which tensors are known without running the network: initializers, Constants, Shape outputs and what is computed from them only. */
export function constantTensors(ctx: ImportContext, nodes: readonly NodeProto[]): Set<string> {
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
  projection(tensor: string): Projection | undefined {
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

export function match(ctx: ImportContext, constant: ReadonlySet<string>, softmax: NodeProto): AttentionBlock | undefined {
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
  const weights = attentionWeights(ctx, [q, k, v], projected, outBias);
  return { nodes: find.nodes, entries: find.entries, exit, softmax, query: q.input, keys: k.input, heads, mask: scores.mask, bias: q.bias !== undefined, weights, broken: false };
}
