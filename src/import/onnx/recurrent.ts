import { ONNX_RECURRENT, RECURRENT_CELLS } from "../../ops/recurrent.js";
import { Attributes } from "./attributes.js";
import { arg, args, type ImportContext, type LayerWeights } from "./context.js";
import { tensorValues, type NodeProto } from "./decode.js";
import { data, weight } from "./inputs.js";
import { absorb, patternNode, scalarOf, valueAhead } from "./patterns.js";
import type { Value } from "./values.js";

/**
 * `nn.RNN/LSTM/GRU(batch_first=True)` as torch.onnx.export writes it at opset 14 (and as
 * netfig's export does): the sequence Transposed to steps first, one ONNX `RNN`/`LSTM`/`GRU`
 * node per stacked layer from a zero initial state (torch Expands a zero Constant to the
 * batch; netfig writes none), each `Y` `[T, D, batch, H]` Squeezed (one direction) or
 * Transposed and Reshaped to `[T, batch, D·H]`, then Transposed back to batch first, and
 * perhaps its final step Gathered (`output[:, -1]`). The whole chain is one netfig layer,
 * `layers=` the stacked nodes, `last` the Gather; its parameters are read from W, R and B
 * under PyTorch's names, each direction's gates in PyTorch's order.
 */

type Kind = keyof typeof RECURRENT_CELLS;

const KIND_OF: ReadonlyMap<string, Kind> = new Map(Object.entries(ONNX_RECURRENT).map(([kind, { operator }]) => [operator, kind as Kind]));

/** The activations PyTorch's cells use, per direction, as ONNX names them. */
const ACTIVATIONS: Record<Kind, string[]> = { rnn: ["Tanh"], lstm: ["Sigmoid", "Tanh", "Tanh"], gru: ["Sigmoid", "Tanh"] };

const isRecurrent = (node: NodeProto) => KIND_OF.has(node.opType ?? "") && (!node.domain || node.domain === "ai.onnx");

function perm(node: NodeProto): string {
  return new Attributes(node).ints("perm")?.join() ?? "";
}

/** The readers of a tensor that compute with it: Shape nodes only size the zero initial state. */
function readers(ctx: ImportContext, tensor: string): NodeProto[] {
  return (ctx.consumers.get(tensor) ?? []).filter((n) => n.opType !== "Shape");
}

/** The sole computing reader of a tensor, if it has exactly one. */
function soleComputingReader(ctx: ImportContext, tensor: string): NodeProto | undefined {
  const found = readers(ctx, tensor);
  return found.length === 1 ? found[0] : undefined;
}

/**
 * The batch-first → steps-first Transpose(1, 0, 2) of a sequence that only recurrent nodes
 * read: the sequence itself (netfig's `[T, N]` has no batch to move).
 */
export function recurrentEntry(ctx: ImportContext, node: NodeProto): Value | undefined {
  const source = ctx.value(node, 0);
  if (source?.kind !== "data" || source.shape?.length !== 2 || perm(node) !== "1,0,2") return undefined;
  const read = readers(ctx, node.output?.[0] ?? "");
  return read.length > 0 && read.every((r) => isRecurrent(r) && r.input?.[0] === node.output![0]) ? source : undefined;
}

/** Values of a constant input (ahead of the walk: PyTorch writes a Constant right before its reader). */
function constantInts(ctx: ImportContext, node: NodeProto, index: number): (number | null)[] | undefined {
  const value = node.input?.[index] ? valueAhead(ctx, node.input[index]!) : undefined;
  return value?.kind === "const" ? value.values : undefined;
}

/** Ops that keep zeros zeros: torch Slices each stacked layer's state from one for all, Expands it to the batch. */
const ZERO_KEEPING = new Set(["Slice", "Expand", "Identity"]);

/** An initial state that is zero: absent, or zeros (a zero constant or ConstantOfShape, as torch sizes it to the batch) perhaps sliced or expanded. */
function zeroState(ctx: ImportContext, node: NodeProto, index: number): boolean {
  let name = node.input?.[index];
  if (!name) return true;
  let producer = ctx.producers.get(name);
  while (producer && ZERO_KEEPING.has(producer.opType ?? "")) {
    name = producer.input?.[0] ?? "";
    producer = ctx.producers.get(name);
  }
  if (producer?.opType === "ConstantOfShape") {
    const fill = new Attributes(producer).tensor("value");
    return !fill || (tensorValues(fill) ?? [1]).every((v) => v === 0);
  }
  const source = valueAhead(ctx, name);
  return source?.kind === "const" && source.values !== undefined && source.values.length > 0 && source.values.every((v) => v === 0);
}

/** The settings of one recurrent node netfig reads, or a located error for what PyTorch's layers cannot be. */
function cellSettings(ctx: ImportContext, node: NodeProto, kind: Kind) {
  const a = new Attributes(node);
  const direction = a.string("direction", "forward");
  if (direction === "reverse") ctx.fail(node, "runs in reverse only, which no PyTorch layer does", "export a bidirectional layer, or reverse the sequence before a forward one");
  if (direction !== "forward" && direction !== "bidirectional") ctx.fail(node, `has direction '${direction}'`, "ONNX allows forward, reverse or bidirectional");
  const count = direction === "bidirectional" ? 2 : 1;
  const activations = (node.attribute ?? []).find((x) => x.name === "activations")?.strings?.map((s) => new TextDecoder().decode(s));
  const expected = Array.from({ length: count }, () => ACTIVATIONS[kind]).flat();
  if (activations && activations.join() !== expected.join()) ctx.fail(node, `uses activations ${activations.join(", ")}, not PyTorch's ${expected.join(", ")}`, "netfig's layers are PyTorch's cells");
  if (a.has("clip") || a.has("activation_alpha") || a.has("activation_beta")) ctx.fail(node, "clips its cell or sets activation parameters, which PyTorch's layers do not", "export without clip");
  if (a.int("layout", 0) !== 0) ctx.fail(node, "has layout=1 (batch first inside the node), which torch does not write", "export with torch.onnx.export at opset 14");
  if (kind === "lstm" && a.int("input_forget", 0) !== 0) ctx.fail(node, "couples its input and forget gates, which nn.LSTM does not");
  if (kind === "gru" && a.int("linear_before_reset", 0) !== 1) ctx.fail(node, "has linear_before_reset=0: its reset gate scales h before W_hn, not nn.GRU's W_hn·h + b_hn", "export nn.GRU with torch.onnx.export, which writes linear_before_reset=1");
  if (node.input?.[4]) ctx.fail(node, "reads sequence lengths, which netfig's layers do not", "export one sequence of fixed length");
  if (kind === "lstm" && node.input?.[7]) ctx.fail(node, "has peephole weights, which nn.LSTM does not");
  if (!zeroState(ctx, node, 5) || (kind === "lstm" && !zeroState(ctx, node, 6))) ctx.fail(node, "starts from a given initial state; netfig's layers start from zero, as nn.LSTM called without (h0, c0)");
  if (node.output?.slice(1).some((o) => o && readers(ctx, o).length > 0)) ctx.fail(node, "its final hidden or cell state is read; netfig's layer gives the output sequence, or with `last` its final step", "read output[:, -1] instead of h_n");
  const w = weight(ctx, node, 1, "W");
  const r = weight(ctx, node, 2, "R");
  const hidden = a.int("hidden_size", r.dims[2] ?? 0);
  const rows = ONNX_RECURRENT[kind].gates.length * hidden;
  if (w.dims.length !== 3 || w.dims[0] !== count || w.dims[1] !== rows || r.dims.join() !== [count, rows, hidden].join()) {
    ctx.fail(node, `W [${w.dims.join(", ")}] and R [${r.dims.join(", ")}] are not [${count}, ${rows}, in] and [${count}, ${rows}, ${hidden}]`);
  }
  const bias = Boolean(node.input?.[3]);
  const b = bias ? weight(ctx, node, 3, "B") : undefined;
  if (b && b.dims.join() !== [count, 2 * rows].join()) ctx.fail(node, `B [${b.dims.join(", ")}] is not [${count}, ${2 * rows}]`);
  return { direction, count, hidden, inFeatures: w.dims[2]!, bias };
}

/** The node after a recurrent node's `Y` that gives `[T, batch, D·H]`: the Squeeze of the direction axis, or Transpose(0, 2, 1, 3) then Reshape. */
function stepsFirstOutput(ctx: ImportContext, node: NodeProto, count: number): NodeProto[] | undefined {
  const next = soleComputingReader(ctx, node.output?.[0] ?? "");
  if (count === 1) {
    const axes = next?.opType === "Squeeze" ? (new Attributes(next).ints("axes") ?? constantInts(ctx, next, 1)) : undefined;
    return axes?.join() === "1" ? [next!] : undefined;
  }
  if (next?.opType !== "Transpose" || perm(next) !== "0,2,1,3") return undefined;
  const reshape = soleComputingReader(ctx, next.output?.[0] ?? "");
  const target = reshape?.opType === "Reshape" ? constantInts(ctx, reshape, 1) : undefined;
  return target?.length === 3 && target[2] === -1 ? [next, reshape!] : undefined;
}

/** The parameters of layer `k` under PyTorch's names: runs of W, R and B, each direction's gates in PyTorch's order. */
function layerWeights(node: NodeProto, kind: Kind, k: number, s: ReturnType<typeof cellSettings>): LayerWeights {
  const { gates } = ONNX_RECURRENT[kind];
  const rows = gates.length * s.hidden;
  const weights: LayerWeights = {};
  const runs = (direction: number, width: number, start: number, perDirection: number): [number, number][] =>
    gates.map((place) => [direction * perDirection + start + place * s.hidden * width, s.hidden * width]);
  for (let d = 0; d < s.count; d++) {
    const suffix = `_l${k}${d === 1 ? "_reverse" : ""}`;
    weights[`weight_ih${suffix}`] = { tensor: node.input![1]!, segments: runs(d, s.inFeatures, 0, rows * s.inFeatures) };
    weights[`weight_hh${suffix}`] = { tensor: node.input![2]!, segments: runs(d, s.hidden, 0, rows * s.hidden) };
    if (s.bias) {
      weights[`bias_ih${suffix}`] = { tensor: node.input![3]!, segments: runs(d, 1, 0, 2 * rows) };
      weights[`bias_hh${suffix}`] = { tensor: node.input![3]!, segments: runs(d, 1, rows, 2 * rows) };
    }
  }
  return weights;
}

/** A recurrent node and the ones stacked on it, read as one layer; the nodes up to its batch-first output are absorbed. */
export function recurrentLayer(ctx: ImportContext, first: NodeProto): Value {
  const kind = KIND_OF.get(first.opType ?? "")!;
  const input = data(ctx, first, 0);
  const entry = ctx.producers.get(first.input?.[0] ?? "");
  if (entry?.opType !== "Transpose" || perm(entry) !== "1,0,2") {
    ctx.fail(first, "reads a sequence that was not batch first; netfig's layers are batch_first", "export nn.LSTM (or RNN, GRU) with batch_first=True on a [batch, T, N] input");
  }
  const settings = cellSettings(ctx, first, kind);
  const steps = input.shape?.length === 2 ? input.shape[0]! : 0;
  if (input.shape?.length !== 2 || input.shape[1] !== settings.inFeatures) {
    ctx.fail(first, `reads ${input.shape ? input.shape.join("x") : "a tensor of unknown shape"}, not a sequence of ${settings.inFeatures} features`, "export an nn.LSTM (or RNN, GRU) with batch_first=True on a [batch, T, N] input");
  }
  const absorbed: NodeProto[] = [];
  const weights: LayerWeights = {};
  let node = first;
  let layers = 0;
  for (;;) {
    const s = layers === 0 ? settings : cellSettings(ctx, node, kind);
    if (s.direction !== settings.direction || s.hidden !== settings.hidden || s.bias !== settings.bias) {
      ctx.fail(node, "is stacked on a layer of another direction, size or bias, which one PyTorch module cannot be", "export the layers as separate modules");
    }
    Object.assign(weights, layerWeights(node, kind, layers, s));
    layers++;
    const output = stepsFirstOutput(ctx, node, s.count);
    if (!output) ctx.fail(node, "its output is not reshaped as torch writes it (Squeeze of the direction axis, or Transpose(0,2,1,3) and Reshape)", "export with torch.onnx.export at opset 14");
    absorbed.push(...output);
    const next = soleComputingReader(ctx, output.at(-1)!.output![0]!);
    if (next && next.opType === first.opType && next.input?.[0] === output.at(-1)!.output![0]) {
      absorbed.push(next);
      node = next;
      continue;
    }
    if (next?.opType !== "Transpose" || perm(next) !== "1,0,2") {
      ctx.fail(node, "its output stays steps first; netfig's layers are batch_first", "export nn.LSTM (or RNN, GRU) with batch_first=True");
    }
    absorbed.push(next);
    break;
  }
  const batchFirst = absorbed.at(-1)!;
  const gather = soleComputingReader(ctx, batchFirst.output![0]!);
  const index = gather?.opType === "Gather" && new Attributes(gather).int("axis", 0) === 1 ? scalarOf(valueAhead(ctx, gather.input?.[1] ?? "")) : undefined;
  const last = index === -1 || index === steps - 1;
  if (last) absorbed.push(gather!);
  const flags = [...(settings.count === 2 ? ["bidirectional"] : []), ...(last ? ["last"] : [])];
  const named = { layers: arg.num(layers), bias: arg.word(String(settings.bias)) };
  const layer = ctx.emit(patternNode(absorbed.at(-1)!, first.name), kind, args([arg.num(settings.hidden)], named, flags), [input], { weights });
  return absorb(ctx, absorbed, layer);
}
