import type { LayerNode, Shape } from "../../graph/types.js";
import { NetfigError, type Diagnostic, type SourceLocation } from "../../lang/diagnostics.js";
import { getOp } from "../../ops/index.js";
import { writtenShape } from "../../ops/shape.js";
import { ArgError, ShapeError, type ArgValue, type Attrs, type OpArgs } from "../../ops/types.js";
import type { AttentionBlock } from "./attention.js";
import { floatData, type NodeProto } from "./decode.js";
import { LayerNamer, modulePath } from "./naming.js";
import type { DataValue, Value } from "./values.js";

/** Argument builders, so imported layers go through the same `compile` as written ones. */
export const arg = {
  num: (value: number): ArgValue => ({ kind: "number", value }),
  dims: (dims: number[], stride?: number[]): ArgValue => ({ kind: "dims", dims, stride }),
  word: (value: string): ArgValue => ({ kind: "word", value }),
};

export function args(positional: ArgValue[] = [], named: Record<string, ArgValue> = {}, flags: string[] = []): OpArgs {
  return { positional, named, flags };
}

/** Which initializer fills which parameter of a layer, for loading real weights into the engine. */
/** `perm` transposes the initializer into the parameter's PyTorch layout (fc weights are `[out, in]`). */
/** `parts`: the parameter is these initializers one after another along its first axis (Q, K and V projections exported apart), `tensor` the first of them. */
/** `segments`: the parameter is these `[offset, length]` runs of the initializer's values, one after another (ONNX's LSTM stores each direction's gates in another order than PyTorch, in one tensor). */
export type LayerWeights = Record<string, { tensor: string; perm?: number[]; parts?: { tensor: string; perm?: number[] }[]; segments?: [number, number][] }>;

/** The state of one import: ONNX tensor values by name and the layers emitted so far. */
export class ImportContext {
  readonly values = new Map<string, Value>();
  readonly nodes: LayerNode[] = [];
  /** Position of each layer in `nodes`: layers come in topological order. */
  readonly positions = new Map<string, number>();
  readonly warnings: Diagnostic[] = [];
  readonly weights = new Map<string, LayerWeights>();
  /** ONNX tensor name of each layer's output. */
  readonly tensorNames = new Map<string, string>();
  /** PyTorch module path of each layer (`layer1.0.conv1`; empty outside any module): frames follow it. */
  readonly modules = new Map<string, string>();
  /** Output shape of each layer, to tell repeated blocks from merely similar ones. */
  readonly shapes = new Map<string, Shape | undefined>();
  readonly namer: LayerNamer;
  readonly loc: SourceLocation;
  /** The first layer that read each initializer as a parameter, and in which role: a later reader shares it. */
  readonly owners = new Map<string, { layer: string; role: string }>();
  /**
   * Nodes a mapper has already read as part of one layer (LeNet's Mul → Tanh → Mul is one
   * `scaledtanh`): each output's value, set without mapping the node again.
   */
  readonly absorbed = new Map<NodeProto, Value>();
  /** The attention blocks found before mapping, by each of their nodes: those nodes are read as one `attention` layer. */
  blocks = new Map<NodeProto, AttentionBlock>();

  constructor(
    readonly file: string,
    /** Every node that reads a tensor, by tensor name: decides what can merge with what. */
    readonly consumers: ReadonlyMap<string, NodeProto[]>,
    /** The node that writes each tensor. */
    readonly producers: ReadonlyMap<string, NodeProto>,
    /** Output dims the file declares (value_info, graph outputs), batch first. */
    readonly declared: ReadonlyMap<string, (number | null)[]>,
    reserved: string[],
  ) {
    this.namer = new LayerNamer(reserved);
    // A binary file has no lines; diagnostics name the ONNX node in their message instead.
    this.loc = { file, line: 0, column: 0, length: 0 };
  }

  /** An error about one ONNX node: names the file, the node and its op type. */
  fail(node: NodeProto, message: string, hint?: string): never {
    throw new NetfigError([{ severity: "error", message: `${this.file}: node '${node.name || node.output?.[0]}' (${node.opType}): ${message}`, hint }]);
  }

  warn(node: NodeProto, message: string, hint?: string): void {
    this.warnings.push({ severity: "warning", message: `${this.file}: node '${node.name || node.output?.[0]}' (${node.opType}): ${message}`, hint });
  }

  value(node: NodeProto, index: number): Value | undefined {
    const name = node.input?.[index];
    return name ? this.values.get(name) : undefined;
  }

  /** Adds one layer: compiles its written-style arguments and sizes it with its op's own rules. */
  /** `target`: a residual shortcut's main branch, whose shape the shortcut matches (`proj`, `chanpad`). */
  /** `attrs`: settings a written layer takes from the layer it references (`maxunpool indices=`: the pool's window). */
  emit(node: NodeProto, op: string, opArgs: OpArgs, inputs: DataValue[], extra: { label?: string; weights?: LayerWeights; target?: DataValue; attrs?: Attrs } = {}): DataValue {
    let attrs;
    try {
      attrs = getOp(op).compile(opArgs);
    } catch (error) {
      if (error instanceof ArgError) this.fail(node, error.message, error.hint);
      throw error;
    }
    if (extra.target) attrs = { ...attrs, target: extra.target.node };
    if (extra.attrs) attrs = { ...attrs, ...extra.attrs };
    const id = this.namer.name(node.name ?? "", node.opType ?? op);
    const owner = extra.weights ? (this.lentOwner(op, extra.weights, id) ?? this.sharedOwner(node, op, extra.weights, id)) : undefined;
    if (owner) attrs = { ...attrs, shares: owner };
    let shape: Shape | undefined;
    const known = [...inputs, ...(extra.target ? [extra.target] : [])].map((i) => i.shape);
    if (known.every((s): s is Shape => s !== undefined)) {
      try {
        shape = getOp(op).outShape(known, attrs);
      } catch (error) {
        if (!(error instanceof ShapeError)) throw error;
        if (op !== "opaque") this.fail(node, `${error.message} (inputs ${known.map(writtenShape).join(", ")})`, error.hint);
      }
    } else if (op !== "opaque") {
      const unknown = inputs.find((i) => i.shape === undefined)!;
      this.fail(node, `cannot size this layer: the shape of its input '${unknown.node}' is unknown`, "netfig does not know the op that produced it and the file declares no shape for its output (run onnx.shape_inference.infer_shapes on the model first)");
    }
    const scoped = node.name?.startsWith("/") === true;
    // Unscoped names that are dotted paths (netfig's own exports name nodes by layer id,
    // `layer1.0.conv1`) sit in the module their path names, as PyTorch's scopes do.
    const module = scoped ? modulePath(node.name!).path : id === node.name ? id.slice(0, Math.max(0, id.lastIndexOf("."))) : "";
    // A scoped op outside every module (`/GlobalAveragePool` from a functional call in
    // `forward`) has an id made from its op type, as an unnamed written layer has.
    const autoNamed = scoped && module === "";
    this.positions.set(id, this.nodes.length);
    this.nodes.push({ id, op, attrs, inputs: inputs.map((i) => i.node), label: extra.label, autoNamed, loc: this.loc, frames: [] });
    this.modules.set(id, module);
    this.shapes.set(id, shape);
    const output = node.output?.[0];
    if (output) this.tensorNames.set(id, output);
    if (extra.weights) this.weights.set(id, extra.weights);
    return { kind: "data", node: id, shape };
  }

  /**
   * The layer of another kind that lends this one its weight matrix, read as it is stored (an
   * fc reading an embedding's table: a tied output head), which this layer then `shares=`;
   * its other parameters are its own.
   */
  private lentOwner(op: string, weights: LayerWeights, id: string): string | undefined {
    const stored = weights.weight;
    const owner = stored && !stored.perm ? this.owners.get(stored.tensor) : undefined;
    const lender = owner?.role === "weight" ? this.nodes[this.positions.get(owner.layer)!]! : undefined;
    if (!lender || lender.op === op || !getOp(lender.op).lendsMatrix || !getOp(op).borrowsMatrix) return undefined;
    for (const [role, { tensor }] of Object.entries(weights)) if (!this.owners.has(tensor)) this.owners.set(tensor, { layer: id, role });
    return lender.id;
  }

  /**
   * The layer whose parameters these are when its weight is an initializer an earlier
   * layer read as its weight, and every other parameter is that layer's in the same role
   * (a Siamese tower run twice reads one copy): the new layer `shares=` it. A weight of
   * one repeated value is no evidence: torch merges equal initializers (a fresh
   * BatchNorm's ones), so two such layers keep their own, and so do BatchNorms whose
   * file holds no values to tell (export_params=False). Otherwise the layer owns the
   * initializers it is the first to read.
   */
  private sharedOwner(node: NodeProto, op: string, weights: LayerWeights, id: string): string | undefined {
    const entries = Object.entries(weights);
    const weight = weights.weight ? this.owners.get(weights.weight.tensor) : undefined;
    if (weight?.role === "weight" && !this.mergeable(weights.weight!.tensor, op, node)) {
      const owner = weight.layer;
      if (entries.every(([role, { tensor }]) => this.owners.get(tensor)?.layer === owner && this.owners.get(tensor)?.role === role)) return owner;
      // netfig shares whole layers; a weight tied with a bias of its own elsewhere is counted at both.
      this.warn(node, `reads the weight of ${owner} but not all its other parameters: counted again here, though PyTorch counts a tensor once`, "netfig shares a layer's parameters whole (shares=), or an fc's weight transposed");
    }
    for (const [role, { tensor }] of entries) if (!this.owners.has(tensor)) this.owners.set(tensor, { layer: id, role });
    return undefined;
  }

  /**
   * Whether an exporter may have merged this initializer with an equal one: it holds one
   * value repeated, or the file holds no values (export_params=False) and the layer is a
   * norm (whose initial weights are all ones) or reads it through an Identity, which is how
   * torch hands each merged parameter (`Identity(layers.0.linear1.weight) →
   * layers.1.linear1.weight`: nn.TransformerEncoder's cloned layers start equal). A tower
   * run twice reads the one tensor itself.
   */
  private mergeable(name: string, op: string, node: NodeProto): boolean {
    const value = this.values.get(name);
    const data = value?.kind === "const" && value.source ? floatData(value.source.tensor) : undefined;
    if (data === undefined) return getOp(op).category === "norm" || (node.input ?? []).some((input) => this.producers.get(input)?.opType === "Identity" && this.producers.get(input)!.input?.[0] === name);
    return data.length > 1 && data.every((v) => v === data[0]);
  }

}
