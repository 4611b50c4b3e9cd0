import { arg, args, type ImportContext } from "./context.js";
import type { NodeProto } from "./decode.js";
import { data, unknown, type Mapper } from "./inputs.js";
import { onnxDims, type DataValue, type Value } from "./values.js";

/**
 * Slice and Split: a run of channels is the language's `slice` (ShuffleNet V2's split,
 * a tower's share), every s-th pixel from the first is a pending subsample (ResNet's
 * option-A shortcut, or `maxpool 1x1/s`), the centre of H and W is a `crop` (U-Net's
 * crop-and-concat, `x[..., d // 2 : d // 2 + h]`), selecting everything is no layer at all.
 * Anything else on data is an unknown op.
 */

/** Constant integers from an input, or an attribute of the same name (opset < 10 kept them there). */
function ints(ctx: ImportContext, node: NodeProto, index: number, attribute: number[] | undefined): number[] | undefined {
  if (attribute) return attribute;
  const value = ctx.value(node, index);
  if (!value) return undefined;
  if (value.kind !== "const" || !value.values || value.values.some((v) => v === null)) return undefined;
  return value.values as number[];
}

/** ONNX Slice's clamping of one axis: the selected [start, end) for a positive step. */
function bounds(start: number, end: number, n: number): [number, number] {
  const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  return [clamp(start), clamp(end)];
}

/** The axis netfig calls channels: 1 of NCHW, the last of [N, F] and [N, T, F]. */
function channelAxis(input: DataValue): number {
  return input.shape!.length === 3 ? 1 : input.shape!.length;
}

function channelSlice(ctx: ImportContext, node: NodeProto, input: DataValue, from: number, count: number): DataValue {
  return ctx.emit(node, "slice", args([arg.num(count)], { from: arg.num(from) }), [input]);
}

export const slice: Mapper = (ctx, node, a): Value => {
  // x[:, :, ::2, ::2] arrives as two Slices, one per axis: the second adds its stride to the first's.
  const source = ctx.value(node, 0);
  const input = source?.kind === "strided" ? source.base : data(ctx, node, 0);
  const [earlierH, earlierW] = source?.kind === "strided" ? source.stride : [1, 1];
  if (!input.shape) return unknown(ctx, node);
  const dims = onnxDims(input.shape);
  const starts = ints(ctx, node, 1, a.ints("starts"));
  const ends = ints(ctx, node, 2, a.ints("ends"));
  const axes = (ints(ctx, node, 3, a.ints("axes")) ?? starts?.map((_, i) => i))?.map((x) => (x < 0 ? x + dims.length : x));
  const steps = ints(ctx, node, 4, undefined) ?? starts?.map(() => 1);
  if (!starts || !ends || !axes || !steps || axes.includes(0) || steps.some((s) => s < 1)) return unknown(ctx, node);
  const ranges = axes.map((axis, i) => ({ axis, step: steps[i]!, range: bounds(starts[i]!, ends[i]!, dims[axis]!) }));
  const effective = ranges.filter(({ axis, step, range }) => step !== 1 || range[0] !== 0 || range[1] !== dims[axis]);
  if (effective.length === 0) return source?.kind === "strided" ? source : input;
  const channel = channelAxis(input);
  if (source?.kind !== "strided" && effective.length === 1 && effective[0]!.axis === channel && effective[0]!.step === 1) {
    const [start, end] = effective[0]!.range;
    return end > start ? channelSlice(ctx, node, input, start, end - start) : unknown(ctx, node);
  }
  const centred = source?.kind !== "strided" && input.shape.length === 3 && effective.every(({ axis, step, range }) => (axis === 2 || axis === 3) && step === 1 && range[0] === Math.floor((dims[axis]! - (range[1] - range[0])) / 2));
  if (centred && effective.every(({ range }) => range[1] > range[0])) {
    const extent = (axis: number) => effective.find((r) => r.axis === axis)?.range.reduce((start, end) => end - start) ?? dims[axis]!;
    return ctx.emit(node, "crop", args([arg.dims([extent(2), extent(3)])]), [input]);
  }
  const spatial = input.shape.length === 3 && effective.every(({ axis, range }) => (axis === 2 || axis === 3) && range[0] === 0 && range[1] === dims[axis]);
  if (!spatial) return unknown(ctx, node);
  const stride = (axis: number) => effective.find((r) => r.axis === axis)?.step ?? 1;
  // Strides of one axis compose only when the axis was not strided yet (its range is the base's, not the subsampled one's).
  if ((earlierH !== 1 && stride(2) !== 1) || (earlierW !== 1 && stride(3) !== 1)) return unknown(ctx, node);
  return { kind: "strided", base: input, stride: [earlierH * stride(2), earlierW * stride(3)] };
};

/** Split on channels: one `slice` per output, in order. */
export const split: Mapper = (ctx, node, a): Value[] => {
  const input = data(ctx, node, 0);
  const outputs = node.output ?? [];
  const rank = input.shape ? onnxDims(input.shape).length : 0;
  const axisAttr = a.int("axis", 0);
  const axis = axisAttr < 0 ? axisAttr + rank : axisAttr;
  if (!input.shape || axis !== channelAxis(input)) return [unknown(ctx, node)];
  const total = input.shape[input.shape.length - 1]!;
  const sizes = ints(ctx, node, 1, a.ints("split")) ?? (total % outputs.length === 0 ? outputs.map(() => total / outputs.length) : undefined);
  if (!sizes || sizes.length !== outputs.length || sizes.reduce((x, y) => x + y, 0) !== total || sizes.some((s) => s < 1)) return [unknown(ctx, node)];
  let from = 0;
  return sizes.map((count) => {
    const part = channelSlice(ctx, node, input, from, count);
    from += count;
    return part;
  });
};
