import type { Shape } from "../../graph/types.js";
import type { OnnxTensor } from "./decode.js";

/** A tensor that flows through layers: the output of a netfig node, in netfig's shape convention. */
export interface DataValue {
  kind: "data";
  node: string;
  /** Undefined after an unknown op whose output the file does not declare. */
  shape: Shape | undefined;
}

/**
 * A tensor known without running the network: an initializer, a Constant, or a shape
 * computation folded at import. `values` holds small integer/float contents (null for the
 * symbolic batch size); weights have only dims. `source` names the initializer a weight
 * came from, and the permutation applied to it on the way (MatMul weights pass a Transpose).
 */
export interface ConstValue {
  kind: "const";
  dims: number[] | undefined;
  values?: (number | null)[];
  float: boolean;
  source?: { tensor: OnnxTensor; perm?: number[] };
}

/** Zero padding waiting to merge into the average pool that reads it (PyTorch exports `AvgPool2d(pad=)` so). */
export interface PaddedValue {
  kind: "padded";
  base: DataValue;
  pads: [number, number, number, number];
}

/** A 5-D reshape of an image (NCHW → N·G·C/G·H·W) on its way to becoming a channel shuffle. */
export interface GroupedView {
  kind: "view";
  base: DataValue;
  groups: number;
  transposed: boolean;
}

/** Every s-th pixel of an image (a strided Slice of H and W): ResNet's option-A shortcut, or a 1x1/s subsample. */
export interface StridedValue {
  kind: "strided";
  base: DataValue;
  stride: [number, number];
}

/** An image in NHWC order (Transpose(0,2,3,1) of an NCHW one), as tf2onnx graphs carry it between their NCHW parts. */
export interface ChannelsLastValue {
  kind: "nhwc";
  base: DataValue;
}

/** MaxPool's second output, where each window's maximum was: read by MaxUnpool as `maxunpool indices=POOL`. */
export interface PoolIndices {
  kind: "indices";
  /** The maxpool layer whose windows these are. */
  pool: string;
  /** The pool's input: its size is the unpooled size, and `maxunpool` reads it for both. */
  input: DataValue;
}

/**
 * A tensor inside a pattern that becomes one layer (the heads, scores and projections of
 * an attention block): never drawn, only sized in ONNX's own dims (batch first, null where
 * symbolic), so the shape arithmetic that reads it still folds.
 */
export interface InternalValue {
  kind: "internal";
  dims: (number | null)[];
}

export type Value = DataValue | ConstValue | PaddedValue | GroupedView | StridedValue | ChannelsLastValue | PoolIndices | InternalValue;

/** netfig `[H, W, C]` / `[N]` / `[T, N]` → ONNX dims with the batch first (null: symbolic). */
export function onnxDims(shape: Shape): (number | null)[] {
  return shape.length === 3 ? [null, shape[2]!, shape[0]!, shape[1]!] : [null, ...shape];
}

/** ONNX dims with the batch first → netfig's convention, or undefined when it has no form there. */
export function netfigShape(dims: readonly (number | null)[]): Shape | undefined {
  const rest = dims.slice(1);
  if (rest.length === 0 || rest.length > 3 || rest.some((d) => d === null || d < 1)) return undefined;
  const known = rest as number[];
  return known.length === 3 ? [known[1]!, known[2]!, known[0]!] : known;
}
