/**
 * What a Transformer figure draws, found from the analysed network before anything is
 * placed: columns of steps bottom to top (an encoder, a decoder beside it), each step a box
 * (Multi-Head Attention, Add & Norm, Feed Forward, Linear, …), a ⊕, an input or a row of
 * token vectors; the residual each ⊕ or Add & Norm receives; the cross-attention arrows;
 * and the repeated layers drawn once in a frame with ×N. Layers are told apart by their
 * op's category and shape behaviour, never by their kind's name.
 */

import type { AnalyzedNetwork, LayerAnalysis } from "../../analyze/types.js";
import type { Frame } from "../../graph/types.js";
import { getOp } from "../../ops/index.js";
import type { OpCategory } from "../../ops/types.js";

export type StepKind = "image" | "ids" | "box" | "sum" | "tokens";

/** A ⊕'s second addend, drawn beside it: a positional encoding (a wave) or another input's embedding (a box). */
export interface SideAddend {
  kind: "wave" | "box";
  /** A wave for a learned table of positions rather than sinusoids: drawn as the table's rows. */
  learned?: boolean;
  lines: string[];
  detail?: string;
  category: OpCategory;
  layers: string[];
}

export interface Step {
  kind: StepKind;
  /** The layers it stands for; the first is the one its primitives are grouped under. */
  layers: string[];
  category: OpCategory;
  /** A box's title lines; the size written beside an input or a token row. */
  lines: string[];
  /** Under a box's title; a line break starts another line. */
  detail?: string;
  /** A box that is a run of dense layers (Feed Forward): later dense layers and their activations join it. */
  dense?: boolean;
  /** A ⊕ (or Add & Norm) fed by a residual: the step at whose input the shortcut leaves the stream. */
  residualFrom?: number;
  side?: SideAddend;
  /** Cross-attention: the column and step whose output gives the keys and values. */
  cross?: { column: number; step: number };
  /** A token row: how many vectors it stands for, and whether its first is a prepended class token. */
  shape?: number[];
  classToken?: boolean;
}

/** N identical repeated layers drawn once: steps `first` to `last` of a column, framed, with ×N. */
export interface Stack {
  first: number;
  last: number;
  count: number;
}

export interface Column {
  steps: Step[];
  stacks: Stack[];
}

export interface TransformerStructure {
  columns: Column[];
}

const categoryOf = (layer: LayerAnalysis): OpCategory => getOp(layer.node.op).category;

/** Capitalised for a box title: "softmax" → "Softmax". */
const titled = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** The repeat instance a layer belongs to (its outermost one), if any. */
function instanceOf(layer: LayerAnalysis, frames: Map<string, Frame>): Frame | undefined {
  for (const id of layer.node.frames) {
    const frame = frames.get(id);
    if (frame?.repeat && frame.repeat.count > 1) return frame;
  }
  return undefined;
}

/**
 * The figure's columns, or the reason the network is not a Transformer this style draws:
 * sequences of `[T, D]` (an image only as the input), at least one attention layer.
 */
export function transformerStructure(network: AnalyzedNetwork): TransformerStructure | string {
  const layers = network.layers;
  if (!layers.some((l) => categoryOf(l) === "attention")) return "it has no attention layer";
  if (layers.some((l) => l.node.tower)) return "it has towers";
  const frames = new Map(network.network.frames.map((f) => [f.id, f]));
  const byId = new Map(layers.map((l) => [l.node.id, l]));
  for (const l of layers) {
    const category = categoryOf(l);
    if (l.shape.length > 2 && category !== "input") return `${l.node.id} is not a sequence (T×D) or a vector`;
    if (l.node.inputs.length > 2) return `${l.node.id} reads ${l.node.inputs.length} layers (the style draws chains, residuals and cross-attention)`;
  }

  // Columns: an input starts one; a layer joins the column of the layer it reads first.
  // Each column is a chain: a layer reads the one before it there first, and anything else second.
  const columnOf = new Map<string, number>();
  const streamEnd = new Map<number, string>();
  // A sum's inputs as the figure reads them: the stream first, the residual second. An ONNX
  // export writes a residual `x + f(x)` with the shortcut first.
  const inputsOf = new Map<string, readonly string[]>();
  let columns = 0;
  for (const l of layers) {
    const written = l.node.inputs;
    const swapped = categoryOf(l) === "merge" && written.length === 2 && columnOf.get(written[0]!) === columnOf.get(written[1]!) && streamEnd.get(columnOf.get(written[1]!)!) === written[1];
    const inputs = swapped ? [written[1]!, written[0]!] : written;
    inputsOf.set(l.node.id, inputs);
    const first = inputs[0];
    const column = first === undefined ? columns++ : columnOf.get(first)!;
    if (first !== undefined && streamEnd.get(column) !== first) return `${l.node.id} reads ${first} beside the layer after it (the style draws chains with residuals and cross-attention)`;
    if (categoryOf(l) === "merge" && l.inputShapes.some((shape) => shape.join("x") !== l.shape.join("x"))) return `${l.node.id} joins inputs of other shapes (the style draws residual sums)`;
    columnOf.set(l.node.id, column);
    streamEnd.set(column, l.node.id);
  }
  const lastOf = new Map<number, string>();
  for (const l of layers) lastOf.set(columnOf.get(l.node.id)!, l.node.id);
  // A column whose output is a second addend of a sum in another column is drawn beside that sum.
  const sideOf = new Map<number, string>();
  for (const l of layers) {
    const other = inputsOf.get(l.node.id)![1];
    if (other === undefined || categoryOf(l) !== "merge") continue;
    const column = columnOf.get(other)!;
    if (column !== columnOf.get(l.node.id) && lastOf.get(column) === other) sideOf.set(column, l.node.id);
  }

  // Later instances of a repeat are drawn by the first: a layer of one maps to its counterpart there.
  const firstInstance = new Map(network.network.frames.filter((f) => f.repeat?.index === 0).map((f) => [f.repeat!.group, f.id]));
  const representative = (id: string): string => {
    const instance = instanceOf(byId.get(id)!, frames);
    if (!instance || instance.repeat!.index === 0) return id;
    const first = firstInstance.get(instance.repeat!.group);
    return first ? `${first}${id.slice(instance.id.length)}` : id;
  };

  const drawn = [...Array(columns).keys()].filter((c) => !sideOf.has(c));
  const stepOf = new Map<string, { column: number; step: number }>();
  const built: Column[] = drawn.map(() => ({ steps: [], stacks: [] }));
  const columnIndex = new Map(drawn.map((c, i) => [c, i]));
  const readers = new Map<string, number>();
  for (const l of layers) for (const i of l.node.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);

  for (const layer of layers) {
    const column = columnOf.get(layer.node.id)!;
    if (sideOf.has(column)) continue;
    const at = columnIndex.get(column)!;
    const steps = built[at]!.steps;
    const id = layer.node.id;
    const instance = instanceOf(layer, frames);
    if (instance && instance.repeat!.index > 0) continue;
    const step = stepFor(layer, steps, { stepOf, representative, columnOf, sideOf, layers, at, readers, inputs: inputsOf.get(id)!, isOutput: !readers.has(id) });
    if (step === "fold") {
      const last = steps[steps.length - 1];
      if (last) last.layers.push(id);
      stepOf.set(id, { column: at, step: Math.max(0, steps.length - 1) });
    } else if (typeof step === "string") {
      return step;
    } else {
      for (const s of step) steps.push(s);
      stepOf.set(id, { column: at, step: steps.length - 1 });
    }
  }

  // The network's output on top: its size as a row of vectors.
  const output = layers[layers.length - 1]!;
  const outputColumn = columnIndex.get(columnOf.get(output.node.id)!);
  if (outputColumn !== undefined && output.shape.length <= 2) {
    built[outputColumn]!.steps.push({ kind: "tokens", layers: [output.node.id], category: categoryOf(output), lines: [output.shape.join("×")], shape: output.shape });
  }

  // The repeats: each group's first instance, as the steps its layers became (one pass over the layers).
  const membersOf = new Map<string, { column: number; step: number }[]>();
  for (const l of layers) {
    const step = stepOf.get(l.node.id);
    if (!step) continue;
    for (const id of l.node.frames) {
      const members = membersOf.get(id);
      if (members) members.push(step);
      else membersOf.set(id, [step]);
    }
  }
  for (const frame of network.network.frames) {
    if (!frame.repeat || frame.repeat.index !== 0 || frame.repeat.count < 2) continue;
    const members = membersOf.get(frame.id) ?? [];
    if (members.length === 0) continue;
    const column = members[0]!.column;
    if (members.some((m) => m.column !== column)) continue;
    const first = Math.min(...members.map((m) => m.step));
    const last = Math.max(...members.map((m) => m.step));
    const stacks = built[column]!.stacks;
    if (stacks.some((s) => s.first <= last && first <= s.last)) continue;
    stacks.push({ first, last, count: frame.repeat.count });
  }
  for (const c of built) c.stacks.sort((a, b) => a.first - b.first);
  return { columns: built };
}

interface Context {
  stepOf: Map<string, { column: number; step: number }>;
  representative: (id: string) => string;
  columnOf: Map<string, number>;
  sideOf: Map<number, string>;
  layers: LayerAnalysis[];
  at: number;
  /** How many layers read each layer. */
  readers: Map<string, number>;
  /** The layer's inputs, a sum's stream first. */
  inputs: readonly string[];
  isOutput: boolean;
}

/** The steps one layer adds to its column, "fold" when it joins the step before, or why it cannot be drawn. */
function stepFor(layer: LayerAnalysis, steps: Step[], ctx: Context): Step[] | "fold" | string {
  const { node } = layer;
  const op = getOp(node.op);
  const category = op.category;
  const input = layer.inputShapes[0];
  const last = steps[steps.length - 1];
  const id = node.id;
  if (category === "input") {
    if (layer.shape.length === 3) return [{ kind: "image", layers: [id], category, lines: [layer.shape.join("×")] }];
    if (layer.shape.length === 1) return [{ kind: "ids", layers: [id], category, lines: [`${layer.shape[0]} token${layer.shape[0] === 1 ? "" : "s"}`], shape: layer.shape }];
    return [{ kind: "tokens", layers: [id], category, lines: [layer.shape.join("×")], shape: layer.shape }];
  }
  if (op.passThrough) return "fold";
  if (category === "activation" || category === "regularization") {
    if (category === "activation" && ctx.isOutput && op.note) return [{ kind: "box", layers: [id], category, lines: [titled(op.note(node.attrs))] }];
    if (category === "activation" && last?.kind === "box" && op.note) {
      last.detail = last.detail ? `${last.detail}, ${op.note(node.attrs)}` : op.note(node.attrs);
    }
    return "fold";
  }
  if (category === "norm") {
    // A residual sum read only by the norm after it is Vaswani's "Add & Norm" (post-norm);
    // a pre-norm layer's norm reads a sum the next residual reads too.
    const sum = last?.kind === "sum" ? last.layers[0]! : undefined;
    if (last && sum === node.inputs[0] && !last.side && last.residualFrom !== undefined && ctx.readers.get(sum) === 1) {
      last.kind = "box";
      last.lines = ["Add & Norm"];
      last.category = category;
      last.layers.push(id);
      return [];
    }
    return [{ kind: "box", layers: [id], category, lines: ["Layer Norm"] }];
  }
  if (category === "attention") {
    const causal = node.attrs["causal"] === true;
    const heads = node.attrs["heads"];
    const step: Step = { kind: "box", layers: [id], category, lines: causal ? ["Masked", "Multi-Head", "Attention"] : ["Multi-Head", "Attention"], ...(typeof heads === "number" ? { detail: `${heads} heads` } : {}) };
    const kv = node.inputs[1];
    if (kv !== undefined) {
      const source = ctx.stepOf.get(ctx.representative(kv));
      if (!source) return `${id} attends to ${kv}, which the figure does not draw before it`;
      step.cross = source;
    }
    return [step];
  }
  if (category === "dense") {
    const units = layer.shape[layer.shape.length - 1]!;
    const inStack = node.frames.length > 0;
    if (last?.kind === "box" && last.dense && inStack) {
      last.layers.push(id);
      return [];
    }
    // An output head reading an embedding's table as its weight says so (the figure's one trace of the tie).
    const owner = layer.tied ? ctx.layers.find((l) => l.node.id === layer.shares) : undefined;
    const tie = owner && getOp(owner.node.op).category === "embedding" ? "\ntied weights" : "";
    return [{ kind: "box", layers: [id], category, dense: inStack, lines: inStack ? ["Feed", "Forward"] : ["Linear"], detail: inStack ? `${units}${tie}` : `→ ${units}${tie}` }];
  }
  if (category === "embedding") {
    if (input!.length === 1) {
      return [
        { kind: "box", layers: [id], category, lines: ["Embedding"], detail: `${op.describe?.(node.attrs) ?? ""}${layer.shares ? "\nshared" : ""}` },
        { kind: "tokens", layers: [id], category, lines: [layer.shape.join("×")], shape: layer.shape },
      ];
    }
    if (layer.shape[0] === input![0]! + 1) return [{ kind: "tokens", layers: [id], category, lines: [layer.shape.join("×")], shape: layer.shape, classToken: true }];
    // Adds an encoding of each position: ⊕ with the encoding beside it.
    const fixed = layer.params === 0;
    return [{ kind: "sum", layers: [id], category, lines: [], side: { kind: "wave", ...(fixed ? {} : { learned: true }), lines: fixed ? ["Positional", "Encoding"] : ["Position", "Embedding"], category, layers: [id] } }];
  }
  if (category === "conv" && input!.length === 3 && layer.shape.length === 2) {
    return [
      { kind: "box", layers: [id], category, lines: ["Patch", "Embedding"], detail: op.describe?.(node.attrs) },
      { kind: "tokens", layers: [id], category, lines: [layer.shape.join("×")], shape: layer.shape },
    ];
  }
  if (category === "merge" && ctx.inputs.length === 2) {
    const other = ctx.inputs[1]!;
    const sideColumn = ctx.columnOf.get(other)!;
    if (ctx.sideOf.get(sideColumn) === id) {
      const sideLayers = ctx.layers.filter((l) => ctx.columnOf.get(l.node.id) === sideColumn);
      const shown = [...sideLayers].reverse().find((l) => getOp(l.node.op).category !== "input" && !getOp(l.node.op).passThrough) ?? sideLayers[0]!;
      const shownOp = getOp(shown.node.op);
      // The input it embeds, by the name the file gives it (BERT's segments).
      const source = sideLayers[0]!.node;
      const detail = [shownOp.describe?.(shown.node.attrs), source.autoNamed || source === shown.node ? undefined : source.id].filter((t) => t !== undefined).join("\n");
      return [{ kind: "sum", layers: [id], category, lines: [], side: { kind: "box", lines: [shownOp.category === "embedding" ? "Embedding" : titled(shown.node.op)], ...(detail ? { detail } : {}), category: shownOp.category, layers: sideLayers.map((l) => l.node.id) } }];
    }
    const from = ctx.stepOf.get(ctx.representative(other));
    if (from && from.column === ctx.at) return [{ kind: "sum", layers: [id], category, lines: [], residualFrom: from.step + 1 }];
  }
  const detail = op.describe?.(node.attrs);
  if (category === "reshape" && layer.shape.length === 1) return [{ kind: "box", layers: [id], category, lines: ["Pick Token"], ...(detail ? { detail } : {}) }];
  return [{ kind: "box", layers: [id], category, lines: [titled(node.op)], ...(detail ? { detail } : {}) }];
}
