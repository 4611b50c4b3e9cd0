import type { ImportContext } from "./context.js";
import type { NodeProto } from "./decode.js";
import { foldNode } from "./fold.js";
import type { ConstValue, Value } from "./values.js";

/**
 * Short chains of ONNX nodes that together are one netfig layer (LeNet's A·tanh(S·x) is
 * Mul → Tanh → Mul): found from the chain's first node by following each node's only
 * reader, then absorbed so the later nodes are not mapped again.
 */

/** The one node reading `node`'s first output (perhaps at several of its inputs: Mul(d, d)), if exactly one does. */
export function soleReader(ctx: ImportContext, node: NodeProto): NodeProto | undefined {
  const readers = new Set(ctx.consumers.get(node.output?.[0] ?? "") ?? []);
  return readers.size === 1 ? [...readers][0] : undefined;
}

/** The nodes after `node` along sole readers, one per op type given, or undefined where the chain is another. */
export function chain(ctx: ImportContext, node: NodeProto, ...opTypes: string[]): NodeProto[] | undefined {
  const nodes: NodeProto[] = [];
  let current = node;
  for (const opType of opTypes) {
    const next = soleReader(ctx, current);
    if (next?.opType !== opType || (next.domain && next.domain !== "ai.onnx")) return undefined;
    nodes.push(next);
    current = next;
  }
  return nodes;
}

/**
 * The node a layer made of several ONNX nodes is emitted as: it writes the last node's
 * output, and is named as that node when the exporter names nodes by layer (netfig's own
 * exports: `layer/mean` … `layer`), else as `scoped` says (PyTorch's `/…/ln_1/ReduceMean`
 * names the module; a bare parameter names the layer that adds it).
 */
export function patternNode(last: NodeProto, scoped: string | null | undefined): NodeProto {
  const byLayer = last.name !== undefined && last.name !== null && last.name !== "" && !last.name.startsWith("/");
  return { name: byLayer ? last.name : scoped, opType: last.opType, output: last.output };
}

/** Marks the chain's later nodes as read: their outputs are `value`, the layer the whole chain made. */
export function absorb(ctx: ImportContext, nodes: NodeProto[], value: Value): Value {
  for (const node of nodes) ctx.absorbed.set(node, value);
  return value;
}

/**
 * A tensor's value, looking ahead when it is a Constant node not read yet (PyTorch writes
 * each Constant just before the node that reads it, after the chain's first node).
 */
export function valueAhead(ctx: ImportContext, name: string): Value | undefined {
  const known = ctx.values.get(name);
  if (known) return known;
  const producer = ctx.producers.get(name);
  return producer?.opType === "Constant" ? foldNode(producer, [])?.[0] : undefined;
}

/** The other input of a two-input node, besides the tensor `name`. */
export function otherInput(ctx: ImportContext, node: NodeProto, name: string): Value | undefined {
  const inputs = node.input ?? [];
  if (inputs.length !== 2) return undefined;
  return valueAhead(ctx, inputs[0] === name ? inputs[1]! : inputs[0]!);
}

/** A constant holding one known number. */
export function scalarOf(value: Value | undefined): number | undefined {
  return value?.kind === "const" && value.values?.length === 1 && value.values[0] !== null ? value.values[0] : undefined;
}

/** An initializer (a parameter, not a folded shape computation) of the given dims. */
export function parameterOf(value: Value | undefined, dims: number[]): (ConstValue & { source: NonNullable<ConstValue["source"]> }) | undefined {
  if (value?.kind !== "const" || !value.source || value.source.perm || value.dims?.join() !== dims.join()) return undefined;
  return value as ConstValue & { source: NonNullable<ConstValue["source"]> };
}

/** The shortest decimal that is the same float32 (an exported 1.7159 reads back as 1.7159, not 1.71589994…). */
export function float32Decimal(value: number): number {
  const target = Math.fround(value);
  for (let digits = 1; digits < 17; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === target) return candidate;
  }
  return value;
}
