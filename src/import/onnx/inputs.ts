import type { Attributes } from "./attributes.js";
import type { ArgValue } from "../../ops/types.js";
import { arg, args, type ImportContext, type LayerWeights } from "./context.js";
import type { NodeProto } from "./decode.js";
import { netfigShape, type ConstValue, type DataValue, type Value } from "./values.js";

/** What the mappers share: reading a node's data, weight and constant inputs, and its window. */

/** Reads one ONNX node; returns the value of each output (one value: the first output's). */
export type Mapper = (ctx: ImportContext, node: NodeProto, a: Attributes) => Value | Value[];

/** A data input, materialising a pending pad or view for a consumer that cannot absorb it. */
export function data(ctx: ImportContext, node: NodeProto, index: number): DataValue {
  const value = ctx.value(node, index);
  if (!value) ctx.fail(node, `input '${node.input?.[index]}' is produced by nothing in the graph`);
  if (value.kind === "data") return value;
  if (value.kind === "padded") {
    const [t, l, b, r] = value.pads;
    return ctx.emit(ctx.producers.get(node.input![index]!)!, "zeropad", args([arg.dims([t, l, b, r])]), [value.base]);
  }
  if (value.kind === "strided") {
    return ctx.emit(ctx.producers.get(node.input![index]!)!, "maxpool", args([arg.dims([1, 1], value.stride)]), [value.base]);
  }
  if (value.kind === "nhwc") ctx.fail(node, "reads an image in NHWC order (a Transpose(0,2,3,1) of it), which netfig reads only where it is transposed back to NCHW or flattened", "run tf2onnx's optimizer, or export channels-first");
  if (value.kind === "indices") ctx.fail(node, "reads the indices of a MaxPool, which netfig reads only where a MaxUnpool unpools with them", "unpool with the indices (nn.MaxUnpool2d), or export the pool without return_indices");
  if (value.kind === "internal") ctx.fail(node, "reads a tensor inside an attention block (its heads or scores), which netfig draws only as the whole block", "read the block's output instead");
  if (value.kind === "view") ctx.fail(node, "reads a 5-D reshape of an image, which netfig can draw only as a channel shuffle (Reshape → Transpose(0,2,1,3,4) → Reshape)");
  return ctx.fail(node, `expects a tensor computed by the network at input ${index}, got a constant`);
}

export function weight(ctx: ImportContext, node: NodeProto, index: number, what: string): ConstValue & { dims: number[] } {
  const value = ctx.value(node, index);
  if (value?.kind !== "const" || !value.dims) ctx.fail(node, `${what} must be an initializer or constant with known dims`);
  return value as ConstValue & { dims: number[] };
}

/** Records where a layer's parameters come from (input index → role). */
export function weightsOf(ctx: ImportContext, node: NodeProto, roles: Record<number, string>): LayerWeights {
  const out: LayerWeights = {};
  for (const [index, role] of Object.entries(roles)) {
    const value = ctx.value(node, Number(index));
    if (value?.kind === "const" && value.source) out[role] = { tensor: value.source.tensor.name, ...(value.source.perm ? { perm: value.source.perm } : {}) };
  }
  return out;
}

export function scalarInput(ctx: ImportContext, node: NodeProto, index: number): number | undefined {
  const value = ctx.value(node, index);
  if (!value) return undefined;
  if (value.kind !== "const" || value.values?.length !== 1 || value.values[0] === null) ctx.fail(node, `input ${index} must be a constant scalar`);
  return value.values[0]!;
}

/** `pads` [x1_begin, x2_begin, x1_end, x2_end] are netfig's [top, left, bottom, right]; auto_pad as ONNX defines it. */
export function windowPadding(ctx: ImportContext, node: NodeProto, a: Attributes): Record<string, ArgValue> {
  const auto = a.string("auto_pad", "NOTSET");
  if (auto === "SAME_UPPER") return { pad: arg.word("same") };
  if (auto === "SAME_LOWER") ctx.fail(node, "auto_pad SAME_LOWER is not supported", "re-export with explicit pads");
  const pads = auto === "VALID" ? [0, 0, 0, 0] : (a.ints("pads") ?? [0, 0, 0, 0]);
  return { pad: arg.dims(pads) };
}

/** A 2-D sliding window's arguments; undefined for 1-D and 3-D windows, which import as unknown ops. */
export function window(ctx: ImportContext, node: NodeProto, a: Attributes, kernel: number[]) {
  const strides = a.ints("strides") ?? [1, 1];
  const dilations = a.ints("dilations") ?? [1, 1];
  if (kernel.length !== 2) return undefined;
  return { kernel: arg.dims(kernel, strides), named: { ...windowPadding(ctx, node, a), dilation: arg.dims(dilations) } };
}

/**
 * An op netfig has no rule for: drawn as a block labelled with its type, sized from the
 * shape the file declares for its output. Only its tensor inputs are wired.
 */
export function unknown(ctx: ImportContext, node: NodeProto): DataValue {
  const inputs = (node.input ?? []).flatMap((_, i) => (ctx.value(node, i)?.kind === "const" || !node.input![i] ? [] : [data(ctx, node, i)]));
  if (inputs.length === 0) ctx.fail(node, "reads no tensor computed by the network and could not be folded into a constant");
  const declared = ctx.declared.get(node.output?.[0] ?? "");
  const shape = declared ? netfigShape(declared) : undefined;
  const type = node.opType ?? "?";
  ctx.warn(node, `netfig does not know ${type}; drawn as a plain block${shape ? "" : " (its output shape is not declared in the file)"}`);
  return ctx.emit(node, "opaque", args([arg.word(type)], shape ? { shape: shape.length === 1 ? arg.num(shape[0]!) : arg.dims(shape) } : {}), inputs, { label: type });
}
