import type { Attributes } from "./attributes.js";
import { args, type ImportContext } from "./context.js";
import type { NodeProto } from "./decode.js";
import { absorb, chain, otherInput, patternNode, scalarOf } from "./patterns.js";
import type { Value } from "./values.js";

/**
 * GELU as PyTorch writes it below the Gelu operator (opset 20): `nn.GELU()` as
 * x·½·(1 + erf(x/√2)) — Div √2 → Erf → Add 1 → Mul x → Mul ½ — and `nn.GELU('tanh')` as
 * ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) — Mul x·x → Mul x → Mul 0.044715 → Add x →
 * Mul √(2/π) → Tanh → Add 1 → Mul x → Mul ½.
 */

/** A float32 constant equal to `expected` as float32 stores it. */
function near(value: number | undefined, expected: number): boolean {
  return value !== undefined && Math.abs(value - expected) <= 1e-6 * Math.max(1, Math.abs(expected));
}

function constantBeside(ctx: ImportContext, node: NodeProto, tensor: string): number | undefined {
  return scalarOf(otherInput(ctx, node, tensor));
}

/** Div of x by √2 that starts the exact GELU. */
export function erfGelu(ctx: ImportContext, div: NodeProto): Value | undefined {
  const x = div.input?.[0] ?? "";
  const input = ctx.values.get(x);
  if (input?.kind !== "data" || !near(constantBeside(ctx, div, x), Math.SQRT2)) return undefined;
  const rest = chain(ctx, div, "Erf", "Add", "Mul", "Mul");
  if (!rest) return undefined;
  const [erf, one, times, half] = rest as [NodeProto, NodeProto, NodeProto, NodeProto];
  if (!near(constantBeside(ctx, one, erf.output![0]!), 1) || !(times.input ?? []).includes(x) || !near(constantBeside(ctx, half, times.output![0]!), 0.5)) return undefined;
  const layer = ctx.emit(patternNode(half, div.name), "gelu", args(), [input]);
  return absorb(ctx, rest, layer);
}

/** Mul of x by itself that starts the tanh GELU. */
export function tanhGelu(ctx: ImportContext, square: NodeProto): Value | undefined {
  const x = square.input?.[0] ?? "";
  const input = ctx.values.get(x);
  if (input?.kind !== "data" || square.input?.[1] !== x) return undefined;
  const rest = chain(ctx, square, "Mul", "Mul", "Add", "Mul", "Tanh", "Add", "Mul", "Mul");
  if (!rest) return undefined;
  const [cube, cubic, sum, scaled, _tanh, one, times, half] = rest as NodeProto[];
  const reads = (node: NodeProto, tensor: string) => (node.input ?? []).includes(tensor);
  const ok =
    reads(cube!, x) &&
    near(constantBeside(ctx, cubic!, cube!.output![0]!), 0.044715) &&
    reads(sum!, x) &&
    near(constantBeside(ctx, scaled!, sum!.output![0]!), Math.sqrt(2 / Math.PI)) &&
    near(constantBeside(ctx, one!, _tanh!.output![0]!), 1) &&
    reads(times!, x) &&
    near(constantBeside(ctx, half!, times!.output![0]!), 0.5);
  if (!ok) return undefined;
  const layer = ctx.emit(patternNode(half!, square.name), "gelu", args([], {}, ["tanh"]), [input]);
  return absorb(ctx, rest, layer);
}

/** The Gelu operator (opset 20). */
export function geluOperator(ctx: ImportContext, node: NodeProto, a: Attributes): Value {
  const input = ctx.values.get(node.input?.[0] ?? "");
  if (input?.kind !== "data") ctx.fail(node, "expects a tensor computed by the network");
  return ctx.emit(node, "gelu", args([], {}, a.string("approximate", "none") === "tanh" ? ["tanh"] : []), [input]);
}
