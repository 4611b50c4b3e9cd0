import type { LayerAnalysis } from "../../analyze/types.js";
import { displayName } from "../../analyze/analyze.js";
import type { Tensor } from "../../engine/tensor.js";
import type { Shape } from "../../graph/types.js";
import { NetfigError } from "../../lang/diagnostics.js";
import type { ParameterContext } from "../../ops/types.js";
import { attribute, floatScalar, floatTensor, int64Scalar, int64Tensor, type AttrValue, type NodeProto, type TensorProto } from "./proto.js";

/**
 * The nodes and initializers of the graph being written, in the order they are added
 * (layers in topological order, so the graph is too). Tensor names must be unique; a
 * clash is a bug in a mapping, caught here rather than by onnxruntime.
 */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  /**
   * Shapes (netfig's convention) of helper tensors that are not a layer's output, declared
   * in the model so Netron shows them and an importer can size an op it does not know.
   */
  readonly shapes = new Map<string, Shape>();
  private readonly names = new Set<string>();
  /** While a layer that shares parameters is written: its initializer names become the owner's. */
  private sharing?: { from: string; to: string };

  /** Initializers `<from>.x` written from now on are the owner's `<to>.x`, written once (undefined ends it). */
  shareParameters(sharing: { from: string; to: string } | undefined): void {
    this.sharing = sharing;
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`export: tensor name '${name}' is used twice`);
    this.names.add(name);
    return name;
  }

  /**
   * Adds a node writing `output` (also its name, so Netron and our importer show the
   * layer id); returns `output`. `shape` declares a helper tensor's shape; `name` names
   * a node whose output is a helper tensor after its layer all the same.
   */
  node(opType: string, inputs: string[], output: string, attrs: Record<string, AttrValue> = {}, extra: { shape?: Shape; name?: string } = {}): string {
    if (extra.shape) this.shapes.set(output, extra.shape);
    this.nodes.push({ name: extra.name ?? output, opType, input: inputs, output: [this.claim(output)], attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) });
    return output;
  }

  /** A node with several outputs (MaxPool's values and indices), named after its first. */
  nodeOutputs(opType: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue> = {}): string[] {
    this.nodes.push({ name: outputs[0]!, opType, input: inputs, output: outputs.map((o) => this.claim(o)), attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) });
    return outputs;
  }

  /** A float32 initializer of `dims` (the tensor's own shape unless given: a reshaped view of the same data). */
  weight(name: string, tensor: Tensor, dims: readonly number[] = tensor.shape): string {
    if (this.sharing && name.startsWith(`${this.sharing.from}.`)) {
      const owned = this.sharing.to + name.slice(this.sharing.from.length);
      if (this.names.has(owned)) return owned;
      name = owned;
    }
    this.initializers.push(floatTensor(this.claim(name), dims, tensor.data));
    return name;
  }

  ints(name: string, values: readonly number[]): string {
    this.initializers.push(int64Tensor(this.claim(name), values));
    return name;
  }

  intScalar(name: string, value: number): string {
    this.initializers.push(int64Scalar(this.claim(name), value));
    return name;
  }

  scalar(name: string, value: number): string {
    this.initializers.push(floatScalar(this.claim(name), value));
    return name;
  }
}

/** One layer as a mapping sees it: its analysis, the ONNX tensors it reads and the one it must write. */
export interface LayerExport {
  layer: LayerAnalysis;
  /** Tensor names of its inputs; a single-input layer reading several gets their concatenation. */
  inputs: string[];
  /** The tensor its last node writes (the layer id). */
  output: string;
  /** What its parameters are fetched with: the same names, shapes and inits as a run. */
  params: ParameterContext;
}

/** Writes one layer kind as ONNX nodes ending in `l.output`. */
export type OpExport = (g: GraphBuilder, l: LayerExport) => void;

/** The name of a helper tensor or node of a layer: `conv1/flatten`. */
export function part(l: LayerExport, suffix: string): string {
  return `${l.output}/${suffix}`;
}

/** The channel axis of a batched tensor: 1 for NCHW and [batch, N], 2 for sequences [batch, T, N]. */
export function channelAxis(shape: Shape): number {
  return shape.length === 2 ? 2 : 1;
}

/** An export failure pointing at the layer in the source, as the analysis's errors do. */
export function cannotExport(layer: LayerAnalysis, reason: string, hint?: string): NetfigError {
  const { node } = layer;
  return new NetfigError([{ severity: "error", message: `cannot export ${node.op} ${displayName(node)} to ONNX: ${reason}`, location: node.loc, hint }]);
}
