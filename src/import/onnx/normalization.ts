import { Attributes } from "./attributes.js";
import { arg, args, type ImportContext, type LayerWeights } from "./context.js";
import type { NodeProto } from "./decode.js";
import { data } from "./inputs.js";
import { absorb, float32Decimal, otherInput, parameterOf, patternNode, scalarOf, soleReader, valueAhead } from "./patterns.js";
import type { Value } from "./values.js";

/**
 * Layer normalisation over the last axis (`nn.LayerNorm(D)`): the LayerNormalization
 * operator (opset 17), or below it the decomposition PyTorch writes,
 * ReduceMean → Sub → Pow 2 → ReduceMean → Add ε → Sqrt → Div, then Mul by the weight and Add
 * of the bias when affine.
 */

function lastAxisOnly(ctx: ImportContext, node: NodeProto, lastAxis: number): boolean {
  const a = new Attributes(node);
  const given = a.ints("axes");
  const input = node.input?.[1] ? valueAhead(ctx, node.input[1]) : undefined;
  const axes = given ?? (input?.kind === "const" ? input.values : undefined);
  return axes?.length === 1 && (axes[0] === -1 || axes[0] === lastAxis) && a.int("keepdims", 1) === 1;
}

/** Every node reading `tensor`, once each. */
function readers(ctx: ImportContext, tensor: string): NodeProto[] {
  return [...new Set(ctx.consumers.get(tensor) ?? [])];
}

/** Mul by a [D] parameter, then Add of a [D] parameter, after the normalised value: the affine part. */
function affinePart(ctx: ImportContext, normalised: NodeProto, features: number): { nodes: NodeProto[]; weights: LayerWeights } | undefined {
  const mul = soleReader(ctx, normalised);
  if (mul?.opType !== "Mul") return undefined;
  const weight = parameterOf(otherInput(ctx, mul, normalised.output![0]!), [features]);
  const add = soleReader(ctx, mul);
  const bias = add?.opType === "Add" ? parameterOf(otherInput(ctx, add, mul.output![0]!), [features]) : undefined;
  if (!weight || !bias) return undefined;
  return { nodes: [mul, add!], weights: { weight: { tensor: weight.source.tensor.name }, bias: { tensor: bias.source.tensor.name } } };
}

/** ReduceMean over the last axis that begins PyTorch's decomposed LayerNorm: one `layernorm` layer. */
export function decomposedLayerNorm(ctx: ImportContext, mean: NodeProto): Value | undefined {
  const value = ctx.value(mean, 0);
  if (value?.kind !== "data" || !value.shape) return undefined;
  const x = mean.input![0]!;
  // An image's last ONNX axis is its width, not netfig's last axis (channels): only sequences and vectors.
  if (value.shape.length === 3) return undefined;
  const lastAxis = value.shape.length; // after the batch
  if (!lastAxisOnly(ctx, mean, lastAxis)) return undefined;
  const sub = soleReader(ctx, mean);
  if (sub?.opType !== "Sub" || sub.input?.[0] !== x || sub.input?.[1] !== mean.output?.[0]) return undefined;
  const centred = readers(ctx, sub.output![0]!);
  const pow = centred.find((n) => n.opType === "Pow");
  const div = centred.find((n) => n.opType === "Div");
  if (centred.length !== 2 || !pow || !div || pow.input?.[0] !== sub.output![0] || div.input?.[0] !== sub.output![0]) return undefined;
  if (scalarOf(valueAhead(ctx, pow.input![1]!)) !== 2) return undefined;
  const variance = soleReader(ctx, pow);
  if (variance?.opType !== "ReduceMean" || !lastAxisOnly(ctx, variance, lastAxis)) return undefined;
  const shifted = soleReader(ctx, variance);
  const eps = shifted?.opType === "Add" ? scalarOf(otherInput(ctx, shifted, variance.output![0]!)) : undefined;
  const sqrt = shifted ? soleReader(ctx, shifted) : undefined;
  if (eps === undefined || !(eps > 0) || sqrt?.opType !== "Sqrt" || soleReader(ctx, sqrt) !== div || div.input?.[1] !== sqrt.output?.[0]) return undefined;
  const features = value.shape[value.shape.length - 1]!;
  const affine = affinePart(ctx, div, features);
  const chainNodes = [sub, pow, variance, shifted!, sqrt, div, ...(affine?.nodes ?? [])];
  const last = chainNodes[chainNodes.length - 1]!;
  const layer = ctx.emit(patternNode(last, mean.name), "layernorm", args([], { eps: arg.num(float32Decimal(eps)), affine: arg.word(String(affine !== undefined)) }), [value], affine ? { weights: affine.weights } : {});
  return absorb(ctx, chainNodes, layer);
}

/** The LayerNormalization operator over the last axis. */
export function layerNormalization(ctx: ImportContext, node: NodeProto, a: Attributes): Value | undefined {
  const input = data(ctx, node, 0);
  if (!input.shape || input.shape.length === 3 || (a.int("axis", -1) !== -1 && a.int("axis", -1) !== input.shape.length)) return undefined;
  const features = input.shape[input.shape.length - 1]!;
  const scale = parameterOf(ctx.value(node, 1), [features]);
  const bias = node.input?.[2] ? parameterOf(ctx.value(node, 2), [features]) : undefined;
  // LayerNormalization always scales; netfig's affine also shifts, so a scale without a bias is not this layer.
  if (!scale || !bias) return undefined;
  const weights = { weight: { tensor: scale.source.tensor.name }, bias: { tensor: bias.source.tensor.name } };
  return ctx.emit(node, "layernorm", args([], { eps: arg.num(float32Decimal(a.float("epsilon", 1e-5))) }), [input], { weights });
}
