import { writtenShape } from "../../ops/shape.js";
import { Attributes } from "./attributes.js";
import { arg, args, type ImportContext } from "./context.js";
import type { NodeProto } from "./decode.js";
import { data, unknown, type Mapper } from "./inputs.js";
import { absorb, otherInput, parameterOf, scalarOf, soleReader, valueAhead } from "./patterns.js";
import type { DataValue, Value } from "./values.js";

/**
 * Layers that compare two tensors or look rows up: the distance of a Siamese head (Sub,
 * then Abs, a square, or a norm) and an embedding (Gather of a table by token ids).
 */

/** A ReduceL1/ReduceL2 over the features of a vector (axis 1 or -1), as pairwise_distance reduces. */
function reducesFeatures(node: NodeProto): boolean {
  const a = new Attributes(node);
  return (a.ints("axes") ?? [1]).every((axis) => axis === 1 || axis === -1);
}

/**
 * Sub of two computed tensors of one shape, then: Abs (`distance l1 componentwise`,
 * Koch et al.'s |a − b|), Mul by itself (`distance l2 componentwise`), or Add of an eps
 * and ReduceL1/ReduceL2 over the features (`F.pairwise_distance(a, b, p=1 or 2)`: `distance l1`/`l2`).
 */
export const sub: Mapper = (ctx, node) => {
  const [x, y] = [ctx.value(node, 0), ctx.value(node, 1)];
  if (x?.kind !== "data" || y?.kind !== "data" || !x.shape || !y.shape || writtenShape(x.shape) !== writtenShape(y.shape)) return unknown(ctx, node);
  const next = soleReader(ctx, node);
  const difference = node.output![0]!;
  const emit = (nodes: NodeProto[], flags: string[]) => absorb(ctx, nodes, ctx.emit(nodes[nodes.length - 1]!, "distance", args([], {}, flags), [x, y]));
  if (next?.opType === "Abs") return emit([next], ["l1", "componentwise"]);
  if (next?.opType === "Mul" && next.input?.every((name) => name === difference)) return emit([next], ["l2", "componentwise"]);
  const add = next?.opType === "Add" ? next : undefined;
  const reduce = add ? soleReader(ctx, add) : undefined;
  const eps = add ? scalarOf(otherInput(ctx, add, difference)) : undefined;
  if (x.shape.length === 1 && eps !== undefined && reduce && ["ReduceL1", "ReduceL2"].includes(reduce.opType!) && reducesFeatures(reduce)) {
    return emit([add!, reduce], [reduce.opType === "ReduceL1" ? "l1" : "l2"]);
  }
  const root = powerMean(ctx, node, next);
  if (x.shape.length === 1 && root) return emit(root, ["l2"]);
  return unknown(ctx, node);
};

/**
 * Pow by 2, ReduceSum over the features, Pow by ½: how torch 1.13 exports
 * `F.pairwise_distance(a, b)` (p=2; it drops the eps, which netfig's distance adds: a
 * difference of about 1e-6 in the distance). The three nodes, or undefined.
 */
function powerMean(ctx: ImportContext, node: NodeProto, square: NodeProto | undefined): NodeProto[] | undefined {
  const exponent = (n: NodeProto | undefined, input: string) => (n?.opType === "Pow" && n.input?.[0] === input ? scalarOf(valueAhead(ctx, n.input[1] ?? "")) : undefined);
  if (exponent(square, node.output![0]!) !== 2) return undefined;
  const sum = soleReader(ctx, square!);
  const axes = sum?.opType === "ReduceSum" ? valueAhead(ctx, sum.input?.[1] ?? "") : undefined;
  const overFeatures = axes?.kind === "const" && axes.values?.length === 1 && (axes.values[0] === 1 || axes.values[0] === -1);
  const root = sum ? soleReader(ctx, sum) : undefined;
  // torch writes the root's exponent as 0.49999976 (float32 arithmetic on 1/p), not 0.5.
  const rootExponent = exponent(root, sum?.output?.[0] ?? "");
  if (!overFeatures || new Attributes(sum!).int("keepdims", 1) !== 0 || rootExponent === undefined || Math.abs(rootExponent - 0.5) > 1e-6) return undefined;
  return [square!, sum!, root!];
}

/**
 * Mul of two computed vectors, ReduceSum over the features (the dot product), over the
 * larger of the product of their ReduceL2 norms and an eps: `distance cosine`
 * (`F.cosine_similarity` as netfig's export writes it).
 */
export function cosine(ctx: ImportContext, node: NodeProto): Value | undefined {
  const [x, y] = [ctx.value(node, 0), ctx.value(node, 1)];
  if (x?.kind !== "data" || y?.kind !== "data" || x.shape?.length !== 1 || writtenShape(x.shape) !== writtenShape(y.shape ?? [])) return undefined;
  const dot = soleReader(ctx, node);
  const quotient = dot?.opType === "ReduceSum" ? soleReader(ctx, dot) : undefined;
  if (quotient?.opType !== "Div" || quotient.input?.[0] !== dot!.output![0]) return undefined;
  const floor = ctx.producers.get(quotient.input?.[1] ?? "");
  const norms = floor?.opType === "Max" ? ctx.producers.get(floor.input?.[0] ?? "") : undefined;
  const eps = floor ? scalarOf(ctx.values.get(floor.input?.[1] ?? "")) : undefined;
  const [normA, normB] = (norms?.opType === "Mul" ? (norms.input ?? []) : []).map((name) => ctx.producers.get(name));
  const normOf = (n: NodeProto | undefined, operand: string) => n?.opType === "ReduceL2" && n.input?.[0] === operand && reducesFeatures(n);
  if (eps === undefined || !normOf(normA, node.input![0]!) || !normOf(normB, node.input![1]!)) return undefined;
  const layer = ctx.emit(quotient, "distance", args([], {}, ["cosine"]), [x, y]);
  return absorb(ctx, [dot!, normA!, normB!, norms!, floor!, quotient], layer);
}

/** Gather of rows (axis 0) of a [V, D] initializer by computed token ids: `embedding V D`. */
export const gather: Mapper = (ctx, node, a) => {
  const table = ctx.value(node, 0);
  const dims = table?.kind === "const" ? table.dims : undefined;
  const weight = dims?.length === 2 ? parameterOf(table, dims) : undefined;
  const ids = ctx.value(node, 1);
  if (!weight || a.int("axis", 0) !== 0 || ids?.kind !== "data") return unknown(ctx, node);
  // Ids straight from a graph input make it an input of tokens below the vocabulary (`input T tokens=V`), as a run seeds it.
  const source = ctx.nodes[ctx.positions.get(ids.node)!];
  if (source?.op === "input" && source.attrs.tokens === undefined) source.attrs = { ...source.attrs, tokens: dims![0]! };
  return ctx.emit(node, "embedding", args([arg.num(dims![0]!), arg.num(dims![1]!)]), [ids], { weights: { weight: { tensor: weight.source.tensor.name } } });
};

/** Cast of the token ids to integers for a Gather (netfig's tensors carry no element type): the ids themselves. */
export const cast: Mapper = (ctx, node): Value => {
  const readers = ctx.consumers.get(node.output?.[0] ?? "") ?? [];
  const indices = readers.length > 0 && readers.every((r) => r.opType === "Gather" && r.input?.[1] === node.output![0] && r.input?.[0] !== node.output![0]);
  const input: DataValue = data(ctx, node, 0);
  return indices ? input : unknown(ctx, node);
};
