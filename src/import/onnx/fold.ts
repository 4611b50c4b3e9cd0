import { Attributes } from "./attributes.js";
import { DataType, elementCount, tensorValues, type NodeProto } from "./decode.js";
import { slice as sliceDims } from "./dims.js";
import { onnxDims, type ConstValue, type Value } from "./values.js";

/**
 * Evaluates the small integer computations exporters emit to build Reshape and Pad
 * arguments at run time (`x.view(x.size(0), -1)` becomes Shape → Gather → Unsqueeze →
 * Concat → Reshape). Values are flat arrays; null stands for the symbolic batch size and
 * propagates through arithmetic. Returns the outputs, or undefined when the node is not a
 * pure function of known values.
 */

type Vals = (number | null)[];

function constant(dims: number[], values: Vals, float = false): ConstValue {
  return { kind: "const", dims, values, float };
}

function arithmetic(op: string, a: number | null, b: number | null, float: boolean): number | null {
  if (a === null || b === null) return null;
  switch (op) {
    case "Add":
      return a + b;
    case "Sub":
      return a - b;
    case "Mul":
      return a * b;
    case "Div":
      return float ? a / b : Math.trunc(a / b);
    default:
      return a === b ? 1 : 0; // Equal
  }
}

/** Elementwise with broadcasting of a one-element operand, which is all shape code needs. */
function broadcast(op: string, a: ConstValue, b: ConstValue): ConstValue | undefined {
  const [x, y] = [a.values!, b.values!];
  if (x.length !== y.length && x.length !== 1 && y.length !== 1) return undefined;
  const n = Math.max(x.length, y.length);
  const float = a.float || b.float;
  const values = Array.from({ length: n }, (_, i) => arithmetic(op, x[x.length === 1 ? 0 : i]!, y[y.length === 1 ? 0 : i]!, float));
  const dims = x.length >= y.length ? a.dims! : b.dims!;
  return constant(dims, values, op !== "Equal" && float);
}

function axisOf(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

export function foldNode(node: NodeProto, inputs: (Value | undefined)[]): ConstValue[] | undefined {
  const attrs = new Attributes(node);
  const op = node.opType ?? "";
  if (op === "Constant") {
    const tensor = attrs.tensor("value");
    if (tensor) return [{ kind: "const", dims: tensor.dims, values: tensorValues(tensor), float: tensor.dataType === DataType.FLOAT || tensor.dataType === DataType.DOUBLE, source: { tensor } }];
    const ints = attrs.ints("value_ints");
    if (ints) return [constant([ints.length], ints)];
    if (attrs.has("value_int")) return [constant([], [attrs.int("value_int", 0)])];
    if (attrs.has("value_float")) return [constant([], [attrs.float("value_float", 0)], true)];
    return undefined;
  }
  if (op === "Shape") {
    const input = inputs[0];
    let dims: Vals | undefined;
    if (input?.kind === "data" && input.shape) dims = onnxDims(input.shape);
    else if (input?.kind === "const" && input.dims) dims = input.dims;
    else if (input?.kind === "internal") dims = input.dims;
    if (!dims) return undefined;
    const start = axisOf(attrs.int("start", 0), dims.length);
    const end = attrs.has("end") ? axisOf(attrs.int("end", dims.length), dims.length) : dims.length;
    const values = dims.slice(start, end);
    return [constant([values.length], values)];
  }
  const consts = inputs.map((v) => (v?.kind === "const" ? v : undefined));
  const [a, b] = consts;
  // Weights flow through Identity and Transpose with dims only (no values needed).
  if (op === "Identity" && a) return [a];
  // A parameter broadcast over the batch (ViT's class token, `expand(n, -1, -1)`) is still that parameter.
  if (op === "Expand" && a?.source) return [a];
  if (op === "Transpose" && a?.dims) {
    const perm = attrs.ints("perm") ?? a.dims.map((_, i) => a.dims!.length - 1 - i);
    const dims = perm.map((p) => a.dims![p]!);
    let values: Vals | undefined;
    if (a.values && a.dims.length === 2) {
      const [rows, cols] = a.dims as [number, number];
      values = perm[0] === 1 ? Array.from({ length: rows * cols }, (_, i) => a.values![(i % rows) * cols + Math.floor(i / rows)]!) : a.values;
    }
    return [{ kind: "const", dims, values, float: a.float, source: a.source && !a.source.perm ? { tensor: a.source.tensor, perm } : undefined }];
  }
  // A part of a weight (cross-attention's Q rows of in_proj_weight): its dims, no values.
  if (op === "Slice" && a?.dims && !a.values && consts.slice(1).every((c, i) => !node.input![i + 1] || c?.values)) {
    const [starts, ends, axes, steps] = consts.slice(1).map((c) => c?.values);
    const dims = starts && ends ? sliceDims(a.dims, starts, ends, axes, steps) : undefined;
    return dims && !dims.includes(null) ? [{ kind: "const", dims: dims as number[], float: a.float }] : undefined;
  }
  if (inputs.some((v, i) => node.input![i] !== "" && (v?.kind !== "const" || v.values === undefined || v.dims === undefined))) return undefined;
  switch (op) {
    case "Cast": {
      const to = attrs.int("to", DataType.INT64);
      const float = to === DataType.FLOAT || to === DataType.DOUBLE;
      return [constant(a!.dims!, float ? a!.values! : a!.values!.map((v) => (v === null ? null : Math.trunc(v))), float)];
    }
    case "Add":
    case "Sub":
    case "Mul":
    case "Div":
    case "Equal": {
      const out = broadcast(op, a!, b!);
      return out && [out];
    }
    case "Gather": {
      if (a!.dims!.length !== 1 || attrs.int("axis", 0) !== 0) return undefined;
      const picked = b!.values!.map((i) => (i === null ? null : a!.values![axisOf(i, a!.values!.length)] ?? null));
      return [constant(b!.dims!, picked)];
    }
    case "Unsqueeze": {
      const axes = attrs.ints("axes") ?? (b?.values as number[] | undefined) ?? [];
      const dims = [...a!.dims!];
      const rank = dims.length + axes.length;
      for (const axis of axes.map((x) => axisOf(x, rank)).sort((x, y) => x - y)) dims.splice(axis, 0, 1);
      return [constant(dims, a!.values!, a!.float)];
    }
    case "Squeeze": {
      const given = attrs.ints("axes") ?? (b?.values as number[] | undefined);
      const axes = given ? given.map((x) => axisOf(x, a!.dims!.length)) : a!.dims!.flatMap((d, i) => (d === 1 ? [i] : []));
      return [constant(a!.dims!.filter((_, i) => !axes.includes(i)), a!.values!, a!.float)];
    }
    case "Concat": {
      if (consts.some((c) => c!.dims!.length > 1)) return undefined;
      const values = consts.flatMap((c) => c!.values!);
      return [constant([values.length], values, consts.some((c) => c!.float))];
    }
    case "Reshape": {
      const target = b!.values!.map((d, i) => (d === 0 ? (a!.dims![i] ?? 0) : d));
      const known = target.filter((d): d is number => d !== null && d >= 0);
      const total = a!.values!.length;
      const dims = target.map((d) => (d === -1 ? total / Math.max(1, elementCount(known)) : d)) as number[];
      return [constant(dims, a!.values!, a!.float)];
    }
    case "Slice": {
      if (a!.dims!.length !== 1 && a!.dims!.length !== 2) return undefined;
      const [starts, ends, axes, steps] = [consts[1]!.values!, consts[2]!.values!, consts[3]?.values ?? [0], consts[4]?.values ?? [1]];
      if (starts.length !== 1 || axisOf(axes[0]!, a!.dims!.length) !== 0) return undefined;
      const n = a!.dims![0]!;
      const step = steps[0]!;
      const clamp = (i: number, lo: number, hi: number) => Math.min(Math.max(i < 0 ? i + n : i, lo), hi);
      const start = step > 0 ? clamp(starts[0]!, 0, n) : clamp(starts[0]!, -1, n - 1);
      const end = step > 0 ? clamp(ends[0]!, 0, n) : clamp(ends[0]!, -1, n - 1);
      const rowLength = a!.dims!.length === 2 ? a!.dims![1]! : 1;
      const rows: number[] = [];
      for (let i = start; step > 0 ? i < end : i > end; i += step!) rows.push(i);
      const values = rows.flatMap((r) => a!.values!.slice(r * rowLength, (r + 1) * rowLength));
      return [constant(a!.dims!.length === 2 ? [rows.length, rowLength] : [rows.length], values, a!.float)];
    }
    case "Where": {
      // A boolean mask made additive (`masked_fill(mask, -inf)` of zeros): nn.MultiheadAttention's causal mask from a bool one.
      const [cond, x, y] = consts as [ConstValue, ConstValue, ConstValue];
      const lengths = [cond, x, y].map((c) => c.values!.length);
      const n = Math.max(...lengths);
      if (lengths.some((l) => l !== 1 && l !== n)) return undefined;
      const at = (c: ConstValue, i: number) => c.values![c.values!.length === 1 ? 0 : i]!;
      const dims = [cond, x, y].find((c) => c.values!.length === n)!.dims!;
      return [constant(dims, Array.from({ length: n }, (_, i) => (at(cond, i) ? at(x, i) : at(y, i))), x.float || y.float)];
    }
    case "Trilu": {
      // torch.triu/tril of a small square (nn.Transformer's causal mask): the mask's values, so the importer can tell it is causal.
      if (a!.dims!.length !== 2) return undefined;
      const [rows, cols] = a!.dims! as [number, number];
      const k = b ? (b.values![0] ?? 0) : 0;
      const upper = attrs.int("upper", 1) === 1;
      const values = a!.values!.map((v, i) => {
        const [row, col] = [Math.floor(i / cols), i % cols];
        return (upper ? col - row >= k : col - row <= k) ? v : 0;
      });
      return [constant([rows, cols], values, a!.float)];
    }
    case "ConstantOfShape": {
      const fill = attrs.tensor("value");
      const value = fill ? (tensorValues(fill)?.[0] ?? 0) : 0;
      const dims = a!.values as number[];
      return [constant(dims, new Array<number>(elementCount(dims)).fill(value), fill?.dataType === DataType.FLOAT)];
    }
    default:
      return undefined;
  }
}
