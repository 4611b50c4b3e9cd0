import type { Attributes } from "./attributes.js";
import { arg, args, type ImportContext } from "./context.js";
import { sinusoids } from "../../engine/kernels/tokens.js";
import { floatData, type NodeProto, type OnnxTensor } from "./decode.js";
import { absorb, chain, parameterOf, patternNode } from "./patterns.js";
import type { DataValue, Value } from "./values.js";

/**
 * How PyTorch writes the token side of a Transformer: ViT's patch projection (a Conv with
 * stride equal to its kernel, flattened and transposed to tokens), its class token
 * (Concat of the expanded parameter before the patches), learned position embeddings (Add of
 * a [1, T, D] parameter, or of rows gathered from a table of N positions as BERT does), and
 * the pick of one token (`x[:, 0]`, Gather on the step axis).
 */

/** Conv PxP/P → Reshape to [B, D, T] → Transpose(0, 2, 1): `patchembed D PxP`. */
export function patchEmbedding(ctx: ImportContext, conv: NodeProto, a: Attributes, input: DataValue, dimension: number, weights: Record<string, { tensor: string }>): Value | undefined {
  const kernel = a.ints("kernel_shape");
  const strides = a.ints("strides");
  const rest = chain(ctx, conv, "Reshape", "Transpose");
  if (!rest || !kernel || kernel.length !== 2 || strides?.join() !== kernel.join() || !weights.bias) return undefined;
  if ((a.ints("pads") ?? [0]).some((p) => p !== 0) || (a.ints("dilations") ?? [1]).some((d) => d !== 1) || a.int("group", 1) !== 1) return undefined;
  if (!input.shape || input.shape.length !== 3 || input.shape[0]! % kernel[0]! !== 0 || input.shape[1]! % kernel[1]! !== 0) return undefined;
  const transpose = rest[1]!;
  if (transpose.attribute?.find((x) => x.name === "perm")?.ints?.map(Number).join() !== "0,2,1") return undefined;
  const layer = ctx.emit(patternNode(transpose, conv.name), "patchembed", args([arg.num(dimension), arg.dims(kernel)]), [input], { weights });
  return absorb(ctx, rest, layer);
}

/** Concat on the step axis of a [1, 1, D] parameter (broadcast over the batch) and the tokens: `clstoken`. */
export function classToken(ctx: ImportContext, node: NodeProto, a: Attributes): Value | undefined {
  const [token, tokens] = [ctx.value(node, 0), ctx.value(node, 1)];
  if ((node.input ?? []).length !== 2 || tokens?.kind !== "data" || tokens.shape?.length !== 2 || a.int("axis", 1) !== 1) return undefined;
  const parameter = parameterOf(token, [1, 1, tokens.shape[1]!]);
  if (!parameter) return undefined;
  return ctx.emit(patternNode(node, parameter.source.tensor.name), "clstoken", args(), [tokens], { weights: { weight: { tensor: parameter.source.tensor.name } } });
}

/** A table that holds Vaswani et al.'s fixed sines and cosines (a constant, not a parameter: `posembed sinusoidal`); a file without values cannot tell. */
function isSinusoidal(tensor: OnnxTensor, steps: number, features: number): boolean {
  const stored = floatData(tensor);
  if (!stored) return false;
  const expected = sinusoids(steps, features);
  return stored.every((v, i) => Math.abs(v - expected[i]!) <= 1e-6);
}

/** Rows of a [N, D] parameter gathered by constant positions (`nn.Embedding(N, D)(position_ids)`): the table. */
function gatheredTable(ctx: ImportContext, name: string, features: number): { tensor: string; positions: number; gather: NodeProto } | undefined {
  const gather = ctx.producers.get(name);
  if (gather?.opType !== "Gather") return undefined;
  const table = ctx.values.get(gather.input?.[0] ?? "");
  const indices = ctx.values.get(gather.input?.[1] ?? "");
  if (table?.kind !== "const" || indices?.kind !== "const" || table.dims?.length !== 2 || table.dims[1] !== features) return undefined;
  const parameter = parameterOf(table, table.dims);
  return parameter && { tensor: parameter.source.tensor.name, positions: table.dims[0]!, gather };
}

/** Add of learned position embeddings to a [T, D] sequence: `posembed` (`max=N` for a table of N positions). */
export function positionEmbedding(ctx: ImportContext, node: NodeProto): Value | undefined {
  const values = [ctx.value(node, 0), ctx.value(node, 1)];
  const at = values.findIndex((v) => v?.kind === "data");
  const sequence = values[at] as DataValue | undefined;
  const other = values[1 - at];
  if ((node.input ?? []).length !== 2 || !sequence || sequence.shape?.length !== 2 || other?.kind !== "const") return undefined;
  const [steps, features] = sequence.shape as [number, number];
  const direct = parameterOf(other, [1, steps, features]) ?? parameterOf(other, [steps, features]);
  if (direct && isSinusoidal(direct.source.tensor, steps, features)) return ctx.emit(patternNode(node, direct.source.tensor.name), "posembed", args([], {}, ["sinusoidal"]), [sequence]);
  if (direct) return ctx.emit(patternNode(node, direct.source.tensor.name), "posembed", args(), [sequence], { weights: { weight: { tensor: direct.source.tensor.name } } });
  const table = gatheredTable(ctx, node.input![1 - at]!, features);
  if (!table || table.positions < steps) return undefined;
  // Named by the table's module (`position_embeddings`), as the layer is in the model's code.
  return ctx.emit(patternNode(node, table.gather.name), "posembed", args([], { max: arg.num(table.positions) }), [sequence], { weights: { weight: { tensor: table.tensor } } });
}

/** Gather of one constant index on the step axis of a [T, D] sequence (`x[:, 0]`): `token N`. */
export function tokenPick(ctx: ImportContext, node: NodeProto, a: Attributes): Value | undefined {
  const sequence = ctx.value(node, 0);
  const index = ctx.value(node, 1);
  if (sequence?.kind !== "data" || sequence.shape?.length !== 2 || a.int("axis", 0) !== 1) return undefined;
  if (index?.kind !== "const" || index.dims?.length !== 0 || index.values?.length !== 1 || index.values[0] === null) return undefined;
  return ctx.emit(node, "token", args([arg.num(index.values[0]!)]), [sequence]);
}
