import { getOp } from "../../ops/index.js";
import { Attributes } from "./attributes.js";
import { arg, args, type ImportContext } from "./context.js";
import type { NodeProto } from "./decode.js";
import { data } from "./inputs.js";
import { absorb, chain, float32Decimal, otherInput, parameterOf, scalarOf } from "./patterns.js";
import type { Value } from "./values.js";

/**
 * LeNet-5's own layers (LeCun et al., 1998) as ONNX spells them, which has no operator
 * for any of them: the squashing A·tanh(S·x), the trainable subsampling, the RBF output.
 */

/** Constant integers from an input or, before opset 13, the attribute of the same name. */
function axesOf(ctx: ImportContext, node: NodeProto, a: Attributes, index: number): number[] | undefined {
  const attribute = a.ints("axes");
  if (attribute) return attribute;
  const value = ctx.value(node, index);
  return value?.kind === "const" && value.values?.every((v) => v !== null) ? (value.values as number[]) : undefined;
}

/** Mul by S, Tanh, Mul by A: `scaledtanh amplitude=A slope=S`. */
export function scaledTanh(ctx: ImportContext, node: NodeProto): Value | undefined {
  const [x, y] = [ctx.value(node, 0), ctx.value(node, 1)];
  const [input, slope] = x?.kind === "data" ? [x, scalarOf(y)] : [y, scalarOf(x)];
  const rest = chain(ctx, node, "Tanh", "Mul");
  if (input?.kind !== "data" || slope === undefined || !rest) return undefined;
  const [tanh, outer] = rest as [NodeProto, NodeProto];
  const amplitude = scalarOf(otherInput(ctx, outer, tanh.output![0]!));
  if (amplitude === undefined) return undefined;
  // A float32 that is LeNet's constant (2/3 stored as 0.6666667) is that constant: the layer then computes what the source did.
  const defaults = getOp("scaledtanh").compile(args()) as { amplitude: number; slope: number };
  const constant = (stored: number, lecun: number) => (Math.fround(stored) === Math.fround(lecun) ? lecun : float32Decimal(stored));
  const named = { amplitude: arg.num(constant(amplitude, defaults.amplitude)), slope: arg.num(constant(slope, defaults.slope)) };
  const layer = ctx.emit(outer, "scaledtanh", args([], named), [input]);
  return absorb(ctx, rest, layer);
}

/**
 * AveragePool, Mul by the window's size (the mean made a sum), Mul by a coefficient per
 * map, Add of a bias per map: `subsample KxK/S` with those two parameters.
 */
export function subsample(ctx: ImportContext, node: NodeProto, a: Attributes): Value | undefined {
  const input = ctx.value(node, 0);
  const rest = chain(ctx, node, "Mul", "Mul", "Add");
  const kernel = a.ints("kernel_shape");
  if (input?.kind !== "data" || input.shape?.length !== 3 || !rest || kernel?.length !== 2) return undefined;
  const unpadded = (a.ints("pads") ?? [0]).every((p) => p === 0) && a.string("auto_pad", "NOTSET") === "NOTSET" && a.int("ceil_mode", 0) === 0;
  const [sum, weighted, biased] = rest as [NodeProto, NodeProto, NodeProto];
  const maps = input.shape[2]!;
  const window = scalarOf(otherInput(ctx, sum, node.output![0]!));
  const coefficient = parameterOf(otherInput(ctx, weighted, sum.output![0]!), [maps, 1, 1]);
  const bias = parameterOf(otherInput(ctx, biased, weighted.output![0]!), [maps, 1, 1]);
  if (!unpadded || window !== kernel[0]! * kernel[1]! || !coefficient || !bias) return undefined;
  const weights = { weight: { tensor: coefficient.source.tensor.name }, bias: { tensor: bias.source.tensor.name } };
  const layer = ctx.emit(biased, "subsample", args([arg.dims(kernel, a.ints("strides") ?? [1, 1])]), [input], { weights });
  return absorb(ctx, rest, layer);
}

/** Unsqueeze to [N, 1, F], Sub of the centres [U, F], Mul by itself, ReduceSum over F: `rbf U`, Σ(x − w)². */
export function rbf(ctx: ImportContext, node: NodeProto, a: Attributes): Value | undefined {
  const input = ctx.value(node, 0);
  const rest = chain(ctx, node, "Sub", "Mul", "ReduceSum");
  if (input?.kind !== "data" || input.shape?.length !== 1 || !rest || axesOf(ctx, node, a, 1)?.join() !== "1") return undefined;
  const [difference, squared, summed] = rest as [NodeProto, NodeProto, NodeProto];
  const features = input.shape[0]!;
  const centresValue = ctx.value(difference, 1);
  const units = centresValue?.kind === "const" ? centresValue.dims?.[0] : undefined;
  const centres = units === undefined ? undefined : parameterOf(centresValue, [units, features]);
  const squares = squared.input?.every((name) => name === difference.output![0]);
  const reduced = new Attributes(summed).int("keepdims", 1) === 0 && [[2], [-1]].some((axes) => axesOf(ctx, summed, new Attributes(summed), 1)?.join() === axes.join());
  if (difference.input?.[0] !== node.output![0] || !centres || !squares || !reduced) return undefined;
  const layer = ctx.emit(summed, "rbf", args([arg.num(units!)]), [data(ctx, node, 0)], { weights: { weight: { tensor: centres.source.tensor.name } } });
  return absorb(ctx, rest, layer);
}
